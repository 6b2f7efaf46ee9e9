// ModelStore module.
