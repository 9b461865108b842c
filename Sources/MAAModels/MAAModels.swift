// MAAModels
