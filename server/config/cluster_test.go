package config

import "testing"

// A [cluster] section: none or an empty nats list is one node; each bad
// value is reported on its line with what is wrong and the range.
func TestCheckCluster(t *testing.T) {
	check(t, base+"\n[cluster]\nlease_ttl = \"10s\"\n") // no nats: one node, the rest unused
	check(t, base+"\n[cluster]\nnats = [\"nats://a:4222\", \"tls://b:4222\"]\nnode = \"cti-a\"\n")
	check(t, base+`
[cluster]
nats = ["http://a:4222", "b:4222"] # not nats
node = "cti-a"
lease_ttl = "500ms"                # too short
replicas = 7                       # too many
log_roll_bytes = 1024              # too small
creds_file = "/nonexistent/nats.creds" # missing
`,
		want{"# not nats", `cluster.nats: "http://a:4222" is not a NATS URL (nats://host:4222 or tls://host:4222)`},
		want{"# not nats", `cluster.nats: "b:4222" is not a NATS URL (nats://host:4222 or tls://host:4222)`},
		want{"# too short", "cluster.lease_ttl 500ms is out of range: 1s to 1m"},
		want{"# too many", "cluster.replicas 7 is out of range: 1 to 5"},
		want{"# too small", "cluster.log_roll_bytes 1024 is out of range: 65536 to 805306368"},
		want{"# missing", `cluster.creds_file "/nonexistent/nats.creds": no such file or directory`},
	)
	check(t, base+"\n[cluster]\nnats = [\"nats://a:4222\"]\nnode = \"\" # nameless\n",
		want{"# nameless", "cluster.node is empty and the host has no name: name this node"})
}
