package config

import (
	"log/slog"
	"os"
	"time"
)

// Default returns the configuration with every default and nothing else:
// no users, the simulated exchange with no devices.
func Default() Config {
	return Config{
		Listen:         "127.0.0.1:8720",
		AllowedOrigins: []string{},
		Exchange: Exchange{
			Type: ExchangeSim,
			Sim:  Sim{NoAnswerTimeout: 30 * time.Second, ExternalAnswerAfter: 2 * time.Second, ParkSlots: []string{}, ParkTime: 45 * time.Second},
			AMI:  defaultAMI(),
		},
		Tokens: Tokens{Lifetime: 720 * time.Hour},
		Login:  Login{MaxFailures: 5, FailureWindow: time.Minute},
		Limits: Limits{
			MaxMessageBytes:       65536,
			SendQueue:             256,
			CommandsPerSecond:     20,
			CommandBurst:          40,
			EventLog:              1024,
			PingInterval:          30 * time.Second,
			PongWait:              60 * time.Second,
			WriteWait:             10 * time.Second,
			HelloTimeout:          10 * time.Second,
			MaxConnections:        20000,
			PreLoginShare:         25,
			MaxPreLoginPerAddress: 256,

			MaxSessionsPerToken: 8,
			MaxSessionsPerUser:  32,
		},
		SimAPI: SimAPI{Enabled: true},
		Log:    Log{Level: "info", Format: "text"},
		Admin:  Admin{Listen: "127.0.0.1:8721"},
		// The node's name defaults to the host's; "" (no host name) is
		// reported when the cluster is on.
		Cluster: Cluster{Node: hostName(), Name: DefaultClusterName, LeaseTTL: DefaultLeaseTTL, LogRollBytes: DefaultLogRollBytes},

		Switchboard: Switchboard{ConsultTimeout: DefaultConsultTimeout},
	}
}

// SlogLevel returns Level as a slog.Level (info for anything unknown,
// which Validate reports).
func (l Log) SlogLevel() slog.Level {
	switch l.Level {
	case "debug":
		return slog.LevelDebug
	case "warn":
		return slog.LevelWarn
	case "error":
		return slog.LevelError
	}
	return slog.LevelInfo
}

func hostName() string {
	h, _ := os.Hostname()
	return h
}
