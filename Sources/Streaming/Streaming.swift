// Streaming module.
