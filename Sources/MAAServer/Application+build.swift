// MAAServer
