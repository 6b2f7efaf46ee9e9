// Learners module.
