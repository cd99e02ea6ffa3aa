"""Developer-only tooling of this repository (mutation testing); never part of the installed package."""
