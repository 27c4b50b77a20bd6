"""digest: build a weekly newsletter from a publication's feeds and send it safely."""

__version__ = "0.1.0"
