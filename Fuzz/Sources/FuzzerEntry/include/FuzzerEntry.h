// Nothing to import: this target only supplies the executables' entry points (see FuzzerEntry.c).
