package config

import (
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"strconv"
	"strings"
	"time"
)

// Validate checks the configuration and returns every problem found, as
// Errors (located in the file when the config came from Parse or Load), or
// nil. It reads the TLS files and stats state_dir; it changes nothing.
func (c *Config) Validate() error {
	if ps := c.problems(); len(ps) > 0 {
		return locate(ps, c.src)
	}
	return nil
}

func (c *Config) problems() problems {
	var ps problems
	c.checkListen(&ps)
	c.checkAdmin(&ps)
	c.checkStateDir(&ps)
	c.checkOrigins(&ps)
	c.checkTLS(&ps)
	devices := c.checkExchange(&ps)
	c.checkUsers(&ps, devices)
	c.checkWatchGroups(&ps, devices)
	c.checkRanges(&ps)
	c.checkSimAPI(&ps)
	c.checkLog(&ps)
	c.checkSwitchboard(&ps)
	c.checkDirectory(&ps)
	c.checkCluster(&ps)
	return ps
}

func (c *Config) checkListen(ps *problems) {
	checkHostPort(ps, "listen", c.Listen, "8720")
}

// checkAdmin checks the admin listener's address; "" (off) is fine.
func (c *Config) checkAdmin(ps *problems) {
	if c.Admin.Listen == "" {
		return
	}
	checkHostPort(ps, "admin.listen", c.Admin.Listen, "8721")
	if _, port, _ := net.SplitHostPort(c.Admin.Listen); c.Admin.Listen == c.Listen && port != "0" {
		ps.add("admin.listen", "admin.listen %q is the same address as listen: give the admin listener its own port, or \"\" to turn it off", c.Admin.Listen)
	}
}

// checkHostPort reports addr under key unless it is host:port with a port
// from 0 to 65535; example is a port to show in the message.
func checkHostPort(ps *problems, key, addr, example string) {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		ps.add(key, "%s %q is not host:port (e.g. \"127.0.0.1:%s\", or \":%s\" for every interface)", key, addr, example, example)
		return
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		ps.add(key, "%s %q: port %q is not a number from 0 to 65535", key, addr, port)
	}
}

func (c *Config) checkStateDir(ps *problems) {
	if c.StateDir == "" {
		return
	}
	fi, err := os.Stat(c.StateDir)
	switch {
	case errors.Is(err, fs.ErrNotExist): // created on first start
	case err != nil:
		ps.add("state_dir", "state_dir: %v", err)
	case !fi.IsDir():
		ps.add("state_dir", "state_dir %q is not a directory", c.StateDir)
	default:
		if err := CheckStateDirMode(c.StateDir); err != nil {
			ps.add("state_dir", "%s", strings.TrimPrefix(err.Error(), "config: "))
		}
	}
}

func (c *Config) checkTLS(ps *problems) {
	t := c.TLS
	switch {
	case t.Cert == "" && t.Key == "":
		return
	case t.Key == "":
		ps.add("tls.cert", "tls: cert is set but key is not (set both for wss://, or neither)")
		return
	case t.Cert == "":
		ps.add("tls.key", "tls: key is set but cert is not (set both for wss://, or neither)")
		return
	}
	okCert := fileReadable(ps, "tls.cert", t.Cert)
	okKey := fileReadable(ps, "tls.key", t.Key)
	if okCert && okKey {
		if _, err := tls.LoadX509KeyPair(t.Cert, t.Key); err != nil {
			ps.add("tls.cert", "tls: cert and key do not load as a pair: %v", err)
		}
	}
}

func fileReadable(ps *problems, key, path string) bool {
	fi, err := os.Stat(path)
	if err == nil && fi.IsDir() {
		err = errors.New("is a directory")
	}
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		ps.add(key, "%s %q: %v", key, path, err)
		return false
	}
	return true
}

// checkExchange checks the section of the selected exchange and returns
// its device ids (nil when the type is unknown: users' devices are then not
// checked, one problem is enough). The other type's section is ignored, so
// switching between them is a one-line change.
func (c *Config) checkExchange(ps *problems) map[string]int {
	switch c.Exchange.Type {
	case ExchangeSim:
		return c.checkSim(ps)
	case ExchangeAMI:
		return c.checkAMI(ps)
	}
	ps.add("exchange.type", "exchange.type %q is unknown (want \"sim\" or \"ami\")", c.Exchange.Type)
	return nil
}

// devicesTable names where the selected exchange's devices are configured.
func (c *Config) devicesTable() string {
	return "exchange." + c.Exchange.Type + ".devices"
}

func (c *Config) checkSimAPI(ps *problems) {
	h := c.SimAPI.AdminTokenHash
	if _, err := hex.DecodeString(h); h != "" && (len(h) != 64 || err != nil) {
		ps.add("sim_api.admin_token_hash", "sim_api.admin_token_hash must be 64 hex digits: the SHA-256 of the admin token, not the token itself")
	}
}

func (c *Config) checkLog(ps *problems) {
	oneOf(ps, "log.level", c.Log.Level, "debug", "info", "warn", "error")
	oneOf(ps, "log.format", c.Log.Format, "text", "json")
}

func oneOf(ps *problems, key, v string, allowed ...string) {
	for _, a := range allowed {
		if v == a {
			return
		}
	}
	ps.add(key, "%s %q is not one of %s", key, v, strings.Join(allowed, ", "))
}

// checkRanges keeps numbers within what the server can sensibly run with.
func (c *Config) checkRanges(ps *problems) {
	durRange(ps, "tokens.lifetime", c.Tokens.Lifetime, time.Minute, 8760*time.Hour)
	intRange(ps, "login.max_failures", c.Login.MaxFailures, 1, 100)
	durRange(ps, "login.failure_window", c.Login.FailureWindow, time.Second, 24*time.Hour)

	l := c.Limits
	intRange(ps, "limits.max_message_bytes", l.MaxMessageBytes, 1<<10, 1<<20)
	intRange(ps, "limits.send_queue", l.SendQueue, 16, 65536)
	intRange(ps, "limits.commands_per_second", l.CommandsPerSecond, 1, 1000)
	if intRange(ps, "limits.command_burst", l.CommandBurst, 1, 10000) && l.CommandBurst < l.CommandsPerSecond {
		ps.add("limits.command_burst", "limits.command_burst (%d) must be at least commands_per_second (%d)", l.CommandBurst, l.CommandsPerSecond)
	}
	intRange(ps, "limits.event_log", l.EventLog, 16, 1<<20)
	okPing := durRange(ps, "limits.ping_interval", l.PingInterval, time.Second, 10*time.Minute)
	okPong := durRange(ps, "limits.pong_wait", l.PongWait, time.Second, 30*time.Minute)
	if okPing && okPong && l.PongWait <= l.PingInterval {
		ps.add("limits.pong_wait", "limits.pong_wait (%s) must be longer than ping_interval (%s)", fmtDur(l.PongWait), fmtDur(l.PingInterval))
	}
	durRange(ps, "limits.write_wait", l.WriteWait, time.Second, 5*time.Minute)
	durRange(ps, "limits.hello_timeout", l.HelloTimeout, time.Second, 5*time.Minute)
	intRange(ps, "limits.max_connections", l.MaxConnections, 1, 1_000_000)
	intRange(ps, "limits.max_sessions_per_token", l.MaxSessionsPerToken, 1, 10_000)
	intRange(ps, "limits.max_sessions_per_user", l.MaxSessionsPerUser, 1, 100_000)
	intRange(ps, "limits.prelogin_share", l.PreLoginShare, 1, 100)
	intRange(ps, "limits.max_prelogin_per_address", l.MaxPreLoginPerAddress, 1, 1_000_000)
}

// intRange reports v outside lo..hi and returns whether it is inside.
func intRange(ps *problems, key string, v, lo, hi int) bool {
	if v < lo || v > hi {
		ps.add(key, "%s = %d is out of range (%d to %d)", key, v, lo, hi)
		return false
	}
	return true
}

// durRange reports v outside lo..hi and returns whether it is inside.
func durRange(ps *problems, key string, v, lo, hi time.Duration) bool {
	if v < lo || v > hi {
		ps.add(key, "%s = %q is out of range (%s to %s)", key, fmtDur(v), fmtDur(lo), fmtDur(hi))
		return false
	}
	return true
}

// fmtDur writes a duration as people write it: "10m", not "10m0s".
func fmtDur(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}

// label names an element of a list for messages: `users[1] (ben)`.
func label(list string, i int, name string) string {
	if name == "" {
		return fmt.Sprintf("%s[%d]", list, i)
	}
	return fmt.Sprintf("%s[%d] (%s)", list, i, name)
}
