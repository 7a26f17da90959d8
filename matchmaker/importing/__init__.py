"""Importers: rows from CSV, JSON and CORDIS files to validated actors."""
