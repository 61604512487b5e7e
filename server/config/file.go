package config

import (
	"fmt"
	"time"
)

// The file* types mirror Config as it is written in TOML. Each embeds its
// Config counterpart, so plain fields decode straight into it, and shadows
// the fields that need care: durations, read as text so that a bad one is
// reported with the others instead of aborting the decode, and booleans
// whose default is true.

type fileConfig struct {
	Config
	Exchange fileExchange `toml:"exchange"`
	Tokens   fileTokens   `toml:"tokens"`
	Login    fileLogin    `toml:"login"`
	Limits   fileLimits   `toml:"limits"`
	// Directory's books have durations (directory.go).
	Directory fileDirectory `toml:"directory"`
}

type fileDirectory struct {
	Directory
	Books []fileBook `toml:"books"`
}

type fileBook struct {
	DirectoryBook
	Refresh duration    `toml:"refresh"`
	Timeout duration    `toml:"timeout"`
	CardDAV fileCardDAV `toml:"carddav"`
	LDAP    fileLDAP    `toml:"ldap"`
}

type fileLDAP struct {
	LDAPBook
	Timeout duration `toml:"timeout"`
}

type fileCardDAV struct {
	CardDAVBook
	Timeout duration `toml:"timeout"`
}

type fileExchange struct {
	Exchange
	Sim fileSim `toml:"sim"`
	AMI fileAMI `toml:"ami"`
}

type fileAMI struct {
	AMI
	RingTimeout   duration `toml:"ring_timeout"`
	ActionTimeout duration `toml:"action_timeout"`
	PingInterval  duration `toml:"ping_interval"`
	ReconnectMin  duration `toml:"reconnect_min"`
	ReconnectMax  duration `toml:"reconnect_max"`
	FeaturesPoll  duration `toml:"features_poll"`
}

type fileSim struct {
	Sim
	NoAnswerTimeout     duration       `toml:"no_answer_timeout"`
	ExternalAnswerAfter duration       `toml:"external_answer_after"`
	Devices             []fileDevice   `toml:"devices"`
	Externals           []fileExternal `toml:"externals"`
}

type fileDevice struct {
	SimDevice
	AnswerAfter duration `toml:"answer_after"`
	PickupAfter duration `toml:"pickup_after"`
	Registered  *bool    `toml:"registered"` // nil: true
}

type fileExternal struct {
	SimExternal
	AnswerAfter duration `toml:"answer_after"`
}

type fileTokens struct {
	Lifetime duration `toml:"lifetime"`
}

type fileLogin struct {
	Login
	FailureWindow duration `toml:"failure_window"`
}

type fileLimits struct {
	Limits
	PingInterval duration `toml:"ping_interval"`
	PongWait     duration `toml:"pong_wait"`
	WriteWait    duration `toml:"write_wait"`
	HelloTimeout duration `toml:"hello_timeout"`
}

// duration is a duration as written, checked after decoding. Integers are
// taken as text too ("30" is then reported as lacking a unit).
type duration struct {
	text string
	set  bool
}

func (d *duration) UnmarshalText(b []byte) error {
	d.text, d.set = string(b), true
	return nil
}

// newFile returns the mirror of def, so that keys absent from the file
// keep their defaults.
func newFile(def Config) fileConfig {
	f := fileConfig{Config: def}
	f.Exchange.Exchange = def.Exchange
	f.Exchange.Sim.Sim = def.Exchange.Sim
	f.Exchange.AMI.AMI = def.Exchange.AMI
	f.Login.Login = def.Login
	f.Limits.Limits = def.Limits
	return f
}

// converter turns a decoded fileConfig into a Config, noting bad durations.
type converter struct{ ps problems }

// dur sets *dst from d if d was written; "" means 0.
func (cv *converter) dur(dst *time.Duration, d duration, key string) {
	if !d.set {
		return
	}
	if d.text == "" {
		*dst = 0
		return
	}
	v, err := time.ParseDuration(d.text)
	switch {
	case err != nil:
		cv.ps.add(key, "%s: %q is not a duration (write e.g. \"30s\", \"15m\" or \"720h\")", key, d.text)
	case v < 0:
		cv.ps.add(key, "%s: %q is negative", key, d.text)
	default:
		*dst = v
	}
}

func (cv *converter) config(f *fileConfig) Config {
	c := f.Config
	c.Exchange = f.Exchange.Exchange
	c.Exchange.Sim = cv.sim(&f.Exchange.Sim)
	c.Exchange.AMI = cv.ami(&f.Exchange.AMI)
	cv.dur(&c.Tokens.Lifetime, f.Tokens.Lifetime, "tokens.lifetime")
	c.Login = f.Login.Login
	cv.dur(&c.Login.FailureWindow, f.Login.FailureWindow, "login.failure_window")
	c.Limits = f.Limits.Limits
	cv.dur(&c.Limits.PingInterval, f.Limits.PingInterval, "limits.ping_interval")
	cv.dur(&c.Limits.PongWait, f.Limits.PongWait, "limits.pong_wait")
	cv.dur(&c.Limits.WriteWait, f.Limits.WriteWait, "limits.write_wait")
	cv.dur(&c.Limits.HelloTimeout, f.Limits.HelloTimeout, "limits.hello_timeout")
	c.Directory = cv.directory(&f.Directory)
	return c
}

// directory converts the books, with their defaults.
func (cv *converter) directory(f *fileDirectory) Directory {
	d := f.Directory
	d.Books = nil
	for i, fb := range f.Books {
		key := fmt.Sprintf("directory.books[%d]", i)
		b := fb.DirectoryBook
		b.CardDAV, b.LDAP = fb.CardDAV.CardDAVBook, fb.LDAP.LDAPBook
		cv.dur(&b.Refresh, fb.Refresh, key+".refresh")
		cv.dur(&b.Timeout, fb.Timeout, key+".timeout")
		cv.dur(&b.CardDAV.Timeout, fb.CardDAV.Timeout, key+".carddav.timeout")
		cv.dur(&b.LDAP.Timeout, fb.LDAP.Timeout, key+".ldap.timeout")
		d.Books = append(d.Books, withBookDefaults(b))
	}
	return d
}

func (cv *converter) sim(f *fileSim) Sim {
	s := f.Sim
	cv.dur(&s.NoAnswerTimeout, f.NoAnswerTimeout, "exchange.sim.no_answer_timeout")
	cv.dur(&s.ExternalAnswerAfter, f.ExternalAnswerAfter, "exchange.sim.external_answer_after")
	s.Devices = nil
	for i, fd := range f.Devices {
		key := fmt.Sprintf("exchange.sim.devices[%d]", i)
		d := fd.SimDevice
		cv.dur(&d.AnswerAfter, fd.AnswerAfter, key+".answer_after")
		cv.dur(&d.PickupAfter, fd.PickupAfter, key+".pickup_after")
		d.Registered = fd.Registered == nil || *fd.Registered
		s.Devices = append(s.Devices, d)
	}
	s.Externals = nil
	for i, fe := range f.Externals {
		e := fe.SimExternal
		e.AnswerAfter = s.ExternalAnswerAfter // unless it has its own
		if fe.AnswerAfter.text != "" {
			cv.dur(&e.AnswerAfter, fe.AnswerAfter, fmt.Sprintf("exchange.sim.externals[%d].answer_after", i))
		}
		s.Externals = append(s.Externals, e)
	}
	return s
}

func (cv *converter) ami(f *fileAMI) AMI {
	a := f.AMI
	cv.dur(&a.RingTimeout, f.RingTimeout, "exchange.ami.ring_timeout")
	cv.dur(&a.ActionTimeout, f.ActionTimeout, "exchange.ami.action_timeout")
	cv.dur(&a.PingInterval, f.PingInterval, "exchange.ami.ping_interval")
	cv.dur(&a.ReconnectMin, f.ReconnectMin, "exchange.ami.reconnect_min")
	cv.dur(&a.ReconnectMax, f.ReconnectMax, "exchange.ami.reconnect_max")
	cv.dur(&a.FeaturesPoll, f.FeaturesPoll, "exchange.ami.features_poll")
	return a
}
