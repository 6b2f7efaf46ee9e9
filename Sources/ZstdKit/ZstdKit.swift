// ZstdKit module.
