"""contactbot (基层联系助手): packages by role, each importing only from the layers below it (docs/architecture.md)."""
