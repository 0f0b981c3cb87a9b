"""Nothing to register: staff pages use the models of other apps."""
