// The Ingress module. See README.md and ../shared/DESIGN.md for its place in the architecture.
