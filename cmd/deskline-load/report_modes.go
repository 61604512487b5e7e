package main

// CallCheck compares the calls the clients show with the exchange's at
// the end of the run ("nothing stuck").
type CallCheck struct {
	Checked       bool     `json:"checked"`
	ExchangeCalls int      `json:"exchange_calls"` // calls in /v1/sim/calls after the drain
	ClientCalls   int      `json:"client_calls"`   // calls the clients show, summed
	Stuck         int      `json:"stuck"`          // shown by a client, gone from the exchange
	Unseen        int      `json:"unseen"`         // at a client's device, not shown by it
	Examples      []string `json:"examples,omitempty"`
}

// PhaseLatency is the latency of the undisturbed clients in one phase.
type PhaseLatency struct {
	Phase   string  `json:"phase"`
	Samples int     `json:"samples"`
	P50     float64 `json:"p50_ms"`
	P99     float64 `json:"p99_ms"`
	Max     float64 `json:"max_ms"`
}

// Sessions are the reconnections of a run: how connections ended, how
// the clients logged in again and whether the server resumed them.
type Sessions struct {
	Ends     map[string]int `json:"ends"`                 // connections that ended and came back (not slow clients'), by reason
	Token    int            `json:"token_logins"`         // welcomes after a token hello
	Password int            `json:"password_logins"`      // password logins beyond each client's first
	Fallback int            `json:"password_fallbacks"`   // token refused, password used instead
	Resumed  int            `json:"resumed"`              // welcomes with resumed: true
	Resync   map[string]int `json:"resync,omitempty"`     // refused resumes, by reason
	Replayed int64          `json:"replayed_events"`      // events that came in a replay
	Never    map[string]int `json:"never_back,omitempty"` // clients that did not come back, by error
}

// BackTimes is how long clients took to be back (welcomed again), in
// seconds from the disturbance; -1 where that many never were.
type BackTimes struct {
	Clients int     `json:"clients"`
	Back    int     `json:"back"`
	P50     float64 `json:"p50_s"`
	P99     float64 `json:"p99_s"`
	P100    float64 `json:"p100_s"`
}

// StormFigures: every client dropped its TCP connection at once.
type StormFigures struct {
	AtSeconds float64   `json:"at_s"` // into the load
	Dropped   int       `json:"dropped"`
	Back      BackTimes `json:"back"`
}

// SlowFigures: a few clients stopped reading until the server cut them.
type SlowFigures struct {
	Clients            int            `json:"clients"`
	RatePerClient      float64        `json:"extra_calls_per_s_each"`
	StallSeconds       float64        `json:"stall_s"`              // from stopping to read to every slow one cut (or the limit)
	CutByServer        int            `json:"cut_by_server"`        // how far the server's connection count fell while they stalled
	Ends               map[string]int `json:"ends"`                 // how the slow connections ended, as the clients saw it
	ServerKicks        int            `json:"server_slow_kicks"`    // sessions the server ended for a full send queue (its log)
	ServerWriteFails   int            `json:"server_write_fails"`   // sessions it ended for a write that timed out
	ServerPongTimeouts int            `json:"server_pong_timeouts"` // sessions it ended for no pong within pong_wait
	Resumed            int            `json:"resumed"`              // slow clients that resumed
	Back               BackTimes      `json:"back"`                 // from reading again
	P99Before          float64        `json:"others_p99_before_ms"`
	P99During          float64        `json:"others_p99_during_ms"`
	P99Ratio           float64        `json:"others_p99_ratio"` // during / before
	SlowSamples        int            `json:"slow_latency_samples"`
}

// RestartFigures: the server was stopped (SIGTERM) and started again.
type RestartFigures struct {
	AtSeconds    float64   `json:"at_s"`       // into the load
	FirstExit    string    `json:"first_exit"` // how the first server exited
	StartError   string    `json:"start_error,omitempty"`
	StopSeconds  float64   `json:"stop_s"` // SIGTERM to exit
	DownSeconds  float64   `json:"down_s"` // SIGTERM to healthy again
	Back         BackTimes `json:"back"`   // from SIGTERM
	P99Healthy   float64   `json:"back_p99_after_healthy_s"`
	TrackedCalls int64     `json:"tracked_calls"` // calls made after every client was back
	Resynced     int       `json:"resynced"`      // welcomes with resync epoch-changed
}

// finishMode fills in what the fleet knows about the mode and notes
// what is missing or wrong.
func (r *Report) finishMode(s fleetStats) {
	if r.Mode == modeSteady {
		return
	}
	r.Sessions = &Sessions{Ends: s.Ends, Token: s.Logins.Token, Password: s.Logins.Password,
		Fallback: s.Logins.Fallback, Resumed: s.Logins.Resumed, Resync: s.Logins.Resync,
		Replayed: s.Replayed, Never: s.Disconnects}
	for p, l := range s.Phases {
		lat := latencyOf(l)
		r.Phases = append(r.Phases, PhaseLatency{Phase: phaseNames[p], Samples: lat.Samples, P50: lat.P50, P99: lat.P99, Max: lat.Max})
	}
	switch r.Mode {
	case modeStorm:
		r.finishStorm(s)
	case modeSlow:
		r.finishSlow(s)
	case modeRestart:
		r.finishRestart(s)
	}
}

// ratio is a/b, or 0 when b is 0.
func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}
