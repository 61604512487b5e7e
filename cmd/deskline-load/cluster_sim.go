package main

import (
	"errors"
	"net/http"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/deskline/deskline/server/simapi"
)

// The sim API of a cluster works on every node (it is forwarded to the
// holder). The load's requests go to one live node at a time; on a
// failure they move on to the next: at once, for the same request, when
// the node refused the connection (nothing was sent, so nothing can run
// twice), and from the next request on when the node failed after the
// request went out or answered 5xx (a ring that may have rung is not
// sent again).

// failoverState is the node the requests go to now.
type failoverState struct{ cur atomic.Int32 }

// failover is an http.RoundTripper over a nodeSet's nodes.
type failover struct {
	ns *nodeSet
	tr *http.Transport
}

// clusterSimBase is the sim client's base URL; failover puts in the
// node's address.
const clusterSimBase = "http://deskline-cluster"

// simClient is the cluster's sim API over keep-alive connections, one
// per worker and node (target).
func (ns *nodeSet) simClient(workers int) *simapi.Client {
	tr := &http.Transport{
		MaxIdleConns:        workers * len(ns.nodes),
		MaxIdleConnsPerHost: workers,
		MaxConnsPerHost:     workers,
		IdleConnTimeout:     time.Minute,
	}
	hc := &http.Client{Transport: &failover{ns: ns, tr: tr}, Timeout: simRequestTimeout}
	return simapi.NewClient(clusterSimBase, hc, "")
}

// RoundTrip sends req to the current node, moving on as described above.
func (fo *failover) RoundTrip(req *http.Request) (*http.Response, error) {
	var err error
	for range len(fo.ns.nodes) {
		n := fo.ns.sim.cur.Load()
		r := req.Clone(req.Context())
		r.URL.Host, r.Host = fo.ns.nodes[n].addr, ""
		if req.GetBody != nil {
			if r.Body, err = req.GetBody(); err != nil {
				return nil, err
			}
		}
		var resp *http.Response
		resp, err = fo.tr.RoundTrip(r)
		if err == nil && resp.StatusCode < http.StatusInternalServerError {
			return resp, nil
		}
		fo.ns.sim.cur.CompareAndSwap(n, (n+1)%int32(len(fo.ns.nodes)))
		if err == nil {
			return resp, nil // the node's 5xx, for the caller to count
		}
		if !errors.Is(err, syscall.ECONNREFUSED) {
			return nil, err
		}
	}
	return nil, err
}

// CloseIdleConnections closes the idle keep-alive connections.
func (fo *failover) CloseIdleConnections() { fo.tr.CloseIdleConnections() }
