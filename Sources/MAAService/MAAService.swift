// MAAService
