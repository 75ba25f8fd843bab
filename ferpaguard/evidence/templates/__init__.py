"""Jinja2 templates for the HTML report (a package so that setuptools ships them as package data)."""
