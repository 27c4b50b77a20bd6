"""The web side of digest: the live preview server (`digest preview --serve`)."""
