// DomainKit module.
