"""Work that joins layers: re-extraction reads the archive (store) and runs the
extractor (extract), so it belongs to neither."""
