package config

import "time"

// Switchboard configures pickup, announced (consult) transfer and park
// (issue 15; PROTOCOL.md section 15).
type Switchboard struct {
	// ConsultTimeout is how long the colleague consulted in an announced
	// transfer may ring before the consultation ends and the held caller
	// is retrieved (default 20s: before the colleague's phone goes to
	// voicemail or gives up, which most exchanges do after 30s, so the
	// caller is never handed to a mailbox nor left on hold while nobody
	// answers). 5s to 5m.
	ConsultTimeout time.Duration `toml:"consult_timeout"`
}

// DefaultConsultTimeout is Switchboard.ConsultTimeout's default.
const DefaultConsultTimeout = 20 * time.Second

func (c *Config) checkSwitchboard(ps *problems) {
	durRange(ps, "switchboard.consult_timeout", c.Switchboard.ConsultTimeout, 5*time.Second, 5*time.Minute)
}
