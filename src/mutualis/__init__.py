"""Mutualis: information and management system for mutual health organizations."""
