"""DISARM's data: the framework workbook, the STIX bundle and the incidents master.

Three places can provide each file, first match wins: a path the user's config names,
the copy `takedowns disarm update` downloaded into the data folder, and the snapshot of
the pinned commit shipped in this package (`data/`, CC BY-SA 4.0), so an offline install
works on its first run.
"""
