"""Discover stage: configured sources -> candidate report URLs -> the pipeline."""
