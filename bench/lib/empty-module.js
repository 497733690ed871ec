// Nothing: the import of a module that does nothing is what any import costs a fresh process or
// page (the runtimes benchmark's floor under the cold start).
export {};
