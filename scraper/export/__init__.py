"""Stub exports for threat-intelligence tools: STIX 2.1 bundles and MISP events."""
