"""DISARM technique suggestions: the framework, curators' mappings, a light offline model."""
