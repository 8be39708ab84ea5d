// Placeholder until this layer of the architecture lands.
