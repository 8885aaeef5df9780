"""Blueprints, one package per area of the site."""
