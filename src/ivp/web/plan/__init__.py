"""The IVP plan in the app database: opgaven, implementation plans, indicators, targets, realisations."""
