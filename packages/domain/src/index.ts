// Public surface of the pure domain package. Each area exports from its own folder.
export {};
