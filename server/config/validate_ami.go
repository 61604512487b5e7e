package config

import (
	"crypto/x509"
	"fmt"
	"maps"
	"net"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/deskline/deskline/ctiproto"
	"github.com/deskline/deskline/pbx/ami"
)

var (
	// endpointRe is technology/resource as Asterisk names endpoints. The
	// resource may not hold "-": Asterisk appends "-<sequence>" to it in
	// channel names, which is how calls are matched to devices.
	endpointRe = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*/[A-Za-z0-9_.+~=@:]{1,80}$`)
	// extenRe is what the dialplan can be asked to ring: no pattern
	// characters ("_", "!", ".") that would match more than one extension.
	extenRe = regexp.MustCompile(`^[A-Za-z0-9*#+]{1,40}$`)
	// contextRe is a dialplan context name (Asterisk allows 79 characters).
	contextRe = regexp.MustCompile(`^[A-Za-z0-9_-]{1,79}$`)
)

// checkAMI checks the Asterisk connector and returns its device ids with
// their index. It reads tls_ca and secret_file but never quotes a secret.
func (c *Config) checkAMI(ps *problems) map[string]int {
	var own problems
	devices := checkAMISection(&own, c.Exchange.AMI)
	if !c.written("exchange.ami") { // everything is missing: point at what asked for it
		for i := range own {
			own[i].key = "exchange.type"
		}
	}
	*ps = append(*ps, own...)
	return devices
}

func checkAMISection(ps *problems, a AMI) map[string]int {
	checkAMIHost(ps, a)
	checkAMITLS(ps, a)
	checkAMILogin(ps, a)
	if a.Context != "" && !contextRe.MatchString(a.Context) {
		ps.add("exchange.ami.context", "exchange.ami.context %q is not a dialplan context name (letters, digits, _ and -)", a.Context)
	}
	durRange(ps, "exchange.ami.ring_timeout", a.RingTimeout, 5*time.Second, 5*time.Minute)
	durRange(ps, "exchange.ami.action_timeout", a.ActionTimeout, time.Second, 2*time.Minute)
	durRange(ps, "exchange.ami.ping_interval", a.PingInterval, time.Second, 10*time.Minute)
	okMin := durRange(ps, "exchange.ami.reconnect_min", a.ReconnectMin, 100*time.Millisecond, time.Minute)
	okMax := durRange(ps, "exchange.ami.reconnect_max", a.ReconnectMax, time.Second, time.Hour)
	if okMin && okMax && a.ReconnectMin > a.ReconnectMax {
		ps.add("exchange.ami.reconnect_min", "exchange.ami.reconnect_min (%s) must not exceed reconnect_max (%s)", fmtDur(a.ReconnectMin), fmtDur(a.ReconnectMax))
	}
	if a.Features != ami.FeaturesNone && a.Features != ami.FeaturesFreePBX {
		ps.add("exchange.ami.features", "exchange.ami.features %q is unknown (want %q, or \"\" for none)", a.Features, ami.FeaturesFreePBX)
	}
	durRange(ps, "exchange.ami.features_poll", a.FeaturesPoll, ami.MinFeaturesPoll, ami.MaxFeaturesPoll)
	checkAMIQueues(ps, a)
	checkAMIParkSlots(ps, a.ParkSlots)
	return checkAMIDevices(ps, a.Devices)
}

// checkAMIParkSlots checks the parking spaces: digits, each once.
func checkAMIParkSlots(ps *problems, slots []string) {
	seen := map[string]bool{}
	for i, s := range slots {
		key := fmt.Sprintf("exchange.ami.park_slots[%d]", i)
		switch {
		case !extensionRe.MatchString(s):
			ps.add(key, "%s: %q is not a parking space (1 to 8 digits)", key, s)
		case seen[s]:
			ps.add(key, "%s: %q is listed twice", key, s)
		}
		seen[s] = true
	}
}

// checkAMIQueues checks the display names of queues and ring groups.
func checkAMIQueues(ps *problems, a AMI) {
	for _, q := range slices.Sorted(maps.Keys(a.QueueNames)) {
		key, l := "exchange.ami.queue_names."+q, fmt.Sprintf("exchange.ami.queue_names[%q]", q)
		switch {
		case q == "" || hasControl(q) || strings.ContainsAny(q, " ,|"):
			ps.add(key, "%s: %q is not a queue name of queues.conf (no spaces, \",\" or \"|\")", l, q)
		case hasControl(a.QueueNames[q]):
			ps.add(key, "%s: the name has a line break or control character in it", l)
		}
	}
	for _, g := range slices.Sorted(maps.Keys(a.RingGroups)) {
		key, l := "exchange.ami.ring_groups."+g, fmt.Sprintf("exchange.ami.ring_groups[%q]", g)
		switch {
		case !extenRe.MatchString(g):
			ps.add(key, "%s: %q is not an extension (letters, digits, * # +; no dialplan patterns)", l, g)
		case hasControl(a.RingGroups[g]):
			ps.add(key, "%s: the name has a line break or control character in it", l)
		}
	}
}

// written reports whether the file sets key or something inside it (true
// for a config built in code: there is no file to point into).
func (c *Config) written(key string) bool {
	if c.src == nil {
		return true
	}
	_, ok := c.src.lines.at[key]
	return ok
}

func checkAMIHost(ps *problems, a AMI) {
	h := a.Host
	switch {
	case h == "":
		ps.add("exchange.ami.host", "exchange.ami.host is missing: the name or address of the Asterisk server")
	case strings.ContainsAny(h, " /[]") || hasControl(h):
		ps.add("exchange.ami.host", "exchange.ami.host %q is not a host name or address", h)
	case strings.Contains(h, ":") && net.ParseIP(h) == nil:
		ps.add("exchange.ami.host", "exchange.ami.host %q: write the port as exchange.ami.port, not in the host", h)
	}
	intRange(ps, "exchange.ami.port", a.Port, 0, 65535)
}

func checkAMITLS(ps *problems, a AMI) {
	if !a.TLS {
		if a.TLSCA != "" {
			ps.add("exchange.ami.tls_ca", "exchange.ami.tls_ca is set but tls is false: set tls = true, or remove tls_ca")
		}
		if a.TLSServerName != "" {
			ps.add("exchange.ami.tls_server_name", "exchange.ami.tls_server_name is set but tls is false: set tls = true, or remove tls_server_name")
		}
		return
	}
	if hasControl(a.TLSServerName) || strings.Contains(a.TLSServerName, " ") {
		ps.add("exchange.ami.tls_server_name", "exchange.ami.tls_server_name %q is not a host name", a.TLSServerName)
	}
	if a.TLSCA != "" && fileReadable(ps, "exchange.ami.tls_ca", a.TLSCA) {
		pem, err := os.ReadFile(a.TLSCA)
		if err == nil && !x509.NewCertPool().AppendCertsFromPEM(pem) {
			ps.add("exchange.ami.tls_ca", "exchange.ami.tls_ca %q: no PEM certificate in it", a.TLSCA)
		}
	}
}

// checkAMILogin checks the manager account. The secret is never quoted.
func checkAMILogin(ps *problems, a AMI) {
	switch {
	case a.Username == "":
		ps.add("exchange.ami.username", "exchange.ami.username is missing: the [section] name of Deskline's account in manager.conf")
	case hasControl(a.Username) || strings.ContainsAny(a.Username, " []"):
		ps.add("exchange.ami.username", "exchange.ami.username %q must not contain spaces, brackets or control characters", a.Username)
	}
	switch {
	case a.Secret != "" && a.SecretFile != "":
		ps.add("exchange.ami.secret", "exchange.ami: set secret or secret_file, not both")
	case a.Secret == "" && a.SecretFile == "":
		ps.add("exchange.ami", "exchange.ami: secret or secret_file is missing: the account's secret from manager.conf")
	case a.Secret != "" && hasControl(a.Secret):
		ps.add("exchange.ami.secret", "exchange.ami.secret has a line break or control character in it")
	case a.SecretFile != "" && fileReadable(ps, "exchange.ami.secret_file", a.SecretFile):
		if _, err := readSecret(a.SecretFile); err != nil {
			ps.add("exchange.ami.secret_file", "exchange.ami.secret_file %q: %v", a.SecretFile, err)
		}
	}
	switch {
	case a.Auth != ami.AuthMD5 && a.Auth != ami.AuthPlain:
		ps.add("exchange.ami.auth", "exchange.ami.auth %q is not one of md5, plain", a.Auth)
	case a.Auth == ami.AuthPlain && !a.TLS && a.Host != "" && !isLoopback(a.Host):
		ps.add("exchange.ami.auth", "exchange.ami.auth = \"plain\" without tls to %s would send the secret across the network in clear: use \"md5\", or tls = true", a.Host)
	}
}

// isLoopback reports a host that cannot be reached over the network. Names
// other than localhost are not resolved: checking must not depend on DNS.
// Host names are case-insensitive.
func isLoopback(host string) bool { return ctiproto.LoopbackHost(strings.ToLower(host)) }

func checkAMIDevices(ps *problems, devs []AMIDevice) map[string]int {
	if len(devs) == 0 {
		ps.add("exchange.ami", "exchange.ami: no [[exchange.ami.devices]]: Deskline follows only the phones listed there")
	}
	devices := map[string]int{}
	endpoints := map[string]int{} // lower-case endpoint → index: Asterisk matches technologies case-insensitively
	for i, d := range devs {
		key := fmt.Sprintf("exchange.ami.devices[%d]", i)
		l := label("exchange.ami.devices", i, d.ID)
		first, dup := devices[d.ID]
		switch {
		case d.ID == "":
			ps.add(key+".id", "%s: id is empty", l)
		case !extensionRe.MatchString(d.ID):
			ps.add(key+".id", "%s: id %q is not an extension number (1 to 8 digits)", l, d.ID)
		case dup:
			ps.add(key+".id", "%s: id %q is already used by exchange.ami.devices[%d]", l, d.ID, first)
		default:
			devices[d.ID] = i
		}
		if hasControl(d.Name) {
			ps.add(key+".name", "%s: name has a line break or control character in it", l)
		}
		ep := strings.ToLower(d.Endpoint)
		firstEP, dupEP := endpoints[ep]
		switch {
		case d.Endpoint == "":
			ps.add(key+".endpoint", "%s: endpoint is missing: the phone's technology/resource, e.g. \"PJSIP/%s\"", l, d.ID)
		case !endpointRe.MatchString(d.Endpoint):
			ps.add(key+".endpoint", "%s: endpoint %q is not technology/resource like \"PJSIP/201\" (no spaces, \"-\" or \",\")", l, d.Endpoint)
		case dupEP:
			ps.add(key+".endpoint", "%s: endpoint %q is already used by exchange.ami.devices[%d]", l, d.Endpoint, firstEP)
		default:
			endpoints[ep] = i
		}
		if d.Exten != "" && !extenRe.MatchString(d.Exten) {
			ps.add(key+".exten", "%s: exten %q is not an extension (letters, digits, * # +; no dialplan patterns)", l, d.Exten)
		}
		checkAMIPhone(ps, key, l, d)
	}
	return devices
}

// checkAMIPhone checks a device's phone family and auto_answer, by the
// connector's own rule.
func checkAMIPhone(ps *problems, key, l string, d AMIDevice) {
	for _, p := range (ami.Device{Endpoint: d.Endpoint, Phone: d.Phone, AutoAnswer: d.AutoAnswer}).PhoneProblems() {
		ps.add(key+"."+p.Field, "%s: %s", l, p.Reason)
	}
}
