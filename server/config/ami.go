package config

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/deskline/deskline/pbx/ami"
)

// AMI configures the Asterisk connector (exchange.type = "ami"): the
// manager account Deskline logs in with and the phones it follows. Relative
// paths (tls_ca, secret_file) are relative to the config file.
type AMI struct {
	// Host is Asterisk's name or address (required).
	Host string `toml:"host"`
	// Port is the manager port. 0 (default): 5038, or 5039 with TLS, the
	// ports manager.conf listens on unless told otherwise.
	Port int `toml:"port"`
	// TLS speaks TLS to the manager (default false: Asterisk's manager
	// listens in plain text unless tlsenable is set in manager.conf). The
	// certificate is verified against the system roots and TLSCA.
	TLS bool `toml:"tls"`
	// TLSCA is a PEM file of certificates to trust besides the system
	// roots: Asterisk usually has a self-signed or private-CA certificate.
	TLSCA string `toml:"tls_ca"`
	// TLSServerName is the name the certificate must carry (default: Host).
	TLSServerName string `toml:"tls_server_name"`
	// Username is the manager account: the [section] name in manager.conf.
	Username string `toml:"username"`
	// Secret is that account's secret; SecretFile names a file holding it
	// instead, so the config can be readable by more people than the
	// secret. Exactly one of the two.
	Secret     string `toml:"secret"`
	SecretFile string `toml:"secret_file"`
	// Auth is "md5" (default: challenge/response, the secret never crosses
	// the network) or "plain" (sent as is: only with TLS or to loopback).
	Auth string `toml:"auth"`
	// Context is the dialplan context click-to-dial, transfer and deflect
	// dial in (default "from-internal", where FreePBX puts its phones: a
	// call placed there is allowed what the phone itself may dial).
	Context string `toml:"context"`
	// RingTimeout is how long click-to-dial rings the user's own phone
	// (default 30s, as long as a PBX rings an extension).
	RingTimeout time.Duration `toml:"ring_timeout"`
	// ActionTimeout bounds every manager action (default 10s: Asterisk
	// answers in milliseconds; longer means the link is stuck).
	ActionTimeout time.Duration `toml:"action_timeout"`
	// PingInterval is how often an idle link is checked (default 20s: a
	// dead link is noticed within two intervals).
	PingInterval time.Duration `toml:"ping_interval"`
	// ReconnectMin and ReconnectMax bound the wait between reconnection
	// attempts, doubling from one to the other (defaults 500ms and 30s:
	// Asterisk refuses connections for a moment while it restarts; a long
	// outage is not hammered).
	ReconnectMin time.Duration `toml:"reconnect_min"`
	ReconnectMax time.Duration `toml:"reconnect_max"`
	// Features is how do-not-disturb and forwarding are stored: ""
	// (default: not offered, Asterisk alone has no standard for them) or
	// "freepbx" (FreePBX's AstDB keys, shared with the phones' *76/*72 codes).
	Features string `toml:"features"`
	// FeaturesPoll is how often, with features = "freepbx", AstDB is read
	// again for DND and forwarding changed without an event (default 30s:
	// such a change shows within that; FreePBX's feature codes are seen at
	// once through their device states). 5s to 1h.
	FeaturesPoll time.Duration `toml:"features_poll"`

	Devices []AMIDevice `toml:"devices"`

	// QueueNames are the names the pop shows for Asterisk queues, by the
	// queue's name in queues.conf ("Sales · waited 0:42"). Default: none,
	// a queue shows its own name (on FreePBX, its number).
	QueueNames map[string]string `toml:"queue_names"`
	// RingGroups are the extensions of FreePBX ring groups with the name
	// the pop shows ("" = the extension): they ring their members without
	// queue events, so Deskline knows them only from here. Default: none.
	RingGroups map[string]string `toml:"ring_groups"`
	// ParkSlots are the parking spaces of Asterisk's default parking lot
	// (res_parking.conf parkpos, e.g. ["701", "702"]; FreePBX: 71 to 78),
	// which desks may park calls in and retrieve them from by dialling
	// them in context. Default: none, and park is not offered.
	ParkSlots []string `toml:"park_slots"`
}

// AMIDevice is a Deskline device and the Asterisk endpoint behind it.
type AMIDevice struct {
	ID       string `toml:"id"`       // Deskline's device id, 1 to 8 digits, e.g. "201"
	Name     string `toml:"name"`     // display name, e.g. "Reception"
	Endpoint string `toml:"endpoint"` // technology/resource, e.g. "PJSIP/201"
	// Exten is the extension that rings the device (default: the part of
	// Endpoint after the "/", which is the extension on FreePBX).
	Exten string `toml:"exten"`
	// Phone is the phone's family: "yealink", "snom", "grandstream",
	// "fanvil" or "none" (default "" = "none"). Asterisk cannot take a SIP
	// phone off-hook or put it on hold; these phones do it when Asterisk
	// sends them a SIP NOTIFY (Event: talk / hold), so the desk can
	// answer, hold and retrieve. Default none: a phone that ignores the
	// NOTIFY (or is not set to accept it) would leave the user believing
	// the call was answered. Needs a PJSIP endpoint; docs/asterisk.md says
	// what to switch on in each phone.
	Phone string `toml:"phone"`
	// AutoAnswer makes the phone answer click-to-dial by itself (speaker or
	// headset), so the far number is dialled at once (default false: the
	// phone must be set to accept it, and a phone that opens its speaker
	// unasked surprises people who did not choose it). Needs phone.
	AutoAnswer bool `toml:"auto_answer"`
}

// defaultAMI is the [exchange.ami] of Default: pbx/ami's own defaults,
// written out so that example.toml and check-config show them.
func defaultAMI() AMI {
	return AMI{
		Auth:          ami.AuthMD5,
		Context:       ami.DefaultContext,
		RingTimeout:   ami.DefaultRingTimeout,
		ActionTimeout: ami.DefaultActionTimeout,
		PingInterval:  ami.DefaultPingInterval,
		ReconnectMin:  ami.DefaultReconnectMin,
		ReconnectMax:  ami.DefaultReconnectMax,
		FeaturesPoll:  ami.DefaultFeaturesPoll,
	}
}

// Addr is the manager's "host:port", with the default port filled in.
func (a AMI) Addr() string {
	port := ami.DefaultPort
	switch {
	case a.Port != 0:
		port = strconv.Itoa(a.Port)
	case a.TLS:
		port = ami.DefaultTLSPort
	}
	return net.JoinHostPort(a.Host, port)
}

// AMIConfig builds the connector's configuration: it reads secret_file and
// tls_ca, which Validate has checked. The secret is in the result only.
func (c *Config) AMIConfig(log *slog.Logger) (ami.Config, error) {
	a := c.Exchange.AMI
	cfg := ami.Config{
		Addr: a.Addr(), Username: a.Username, Secret: a.Secret, Auth: a.Auth,
		Context: a.Context, RingTimeout: a.RingTimeout, ActionTimeout: a.ActionTimeout,
		PingInterval: a.PingInterval, ReconnectMin: a.ReconnectMin, ReconnectMax: a.ReconnectMax,
		Features: a.Features, FeaturesPoll: a.FeaturesPoll, Log: log,
		QueueNames: a.QueueNames, RingGroups: a.RingGroups, ParkSlots: a.ParkSlots,
	}
	if a.SecretFile != "" {
		s, err := readSecret(a.SecretFile)
		if err != nil {
			return ami.Config{}, fmt.Errorf("exchange.ami.secret_file: %w", err)
		}
		cfg.Secret = s
	}
	if a.TLS {
		t, err := a.tlsConfig()
		if err != nil {
			return ami.Config{}, err
		}
		cfg.TLS = t
	}
	for _, d := range a.Devices {
		cfg.Devices = append(cfg.Devices, ami.Device{ID: d.ID, Name: d.Name, Endpoint: d.Endpoint, Exten: d.Exten,
			Phone: d.Phone, AutoAnswer: d.AutoAnswer})
	}
	return cfg, cfg.Check()
}

// tlsConfig trusts the system roots plus tls_ca. TLS 1.2 is the floor:
// every Asterisk built against a maintained OpenSSL speaks it.
func (a AMI) tlsConfig() (*tls.Config, error) {
	name := a.TLSServerName
	if name == "" {
		name = a.Host
	}
	t := &tls.Config{ServerName: name, MinVersion: tls.VersionTLS12}
	if a.TLSCA == "" {
		return t, nil // nil RootCAs: the system roots
	}
	pool, err := x509.SystemCertPool()
	if err != nil { // no system pool (some platforms): tls_ca alone
		pool = x509.NewCertPool()
	}
	pem, err := os.ReadFile(a.TLSCA)
	if err != nil {
		return nil, fmt.Errorf("exchange.ami.tls_ca: %w", err)
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("exchange.ami.tls_ca %q: no PEM certificate in it", a.TLSCA)
	}
	t.RootCAs = pool
	return t, nil
}

// readSecret reads a secret file. Surrounding white space, such as the
// final newline editors add, is dropped: Asterisk trims manager.conf values
// too, so a secret cannot begin or end with it.
func readSecret(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return "", err
	}
	s := strings.TrimSpace(string(b))
	switch {
	case s == "":
		return "", errors.New("the file is empty")
	case hasControl(s):
		return "", errors.New("the secret has a line break or control character in it (one line only)")
	}
	return s, nil
}

// hasControl reports control characters: AMI is a line protocol, so a line
// break in a value would start a field of its own.
func hasControl(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0
}
