"""The review desk (`takedowns serve`): a small local web app on the catalogue for curators."""
