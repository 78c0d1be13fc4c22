"""Updates in: our own getUpdates loop, handing raw updates to the wiring's triage."""
