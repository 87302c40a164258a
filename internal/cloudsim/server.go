// Package cloudsim is Parapet's cloud simulator: an HTTP server on loopback
// that speaks the real AWS wire protocols (EC2 query, AWS query, JSON 1.1,
// REST-JSON, REST-XML), so unmodified AWS SDK clients pointed at it with a
// base endpoint read the state of a World: accounts, IAM, S3, EC2,
// CloudTrail, KMS, Config, GuardDuty, RDS, Organizations, ECR, EKS,
// OpenSearch, Elastic Load Balancing (both APIs) and Lambda.
//
// Requests are routed by their SigV4 credential scope (access key, region,
// service) and their X-Amz-Target, Action or path. Signatures are not
// verified; the access key selects the account. The server can inject
// latency, throttling, server errors and truncated pages, and counts the
// calls and IAM actions it served (Stats).
package cloudsim

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// Server serves a World over the AWS wire protocols.
type Server struct {
	mu    sync.RWMutex // guards world and idx
	world *World
	idx   *index

	now    func() time.Time
	faults *faultState
	stats  *statsCollector

	sessMu   sync.Mutex
	sessions map[string]*session
	reports  map[string]time.Time // account -> credential report generated at

	adminKey, adminSecret, adminAccount string

	lnMu   sync.Mutex
	srv    *http.Server
	served chan struct{} // closed when the Serve goroutine returns
	url    string
}

// Option configures a Server.
type Option func(*Server)

// WithClock sets the clock the server uses for "now": timestamps shift by
// now - World.AsOf, and session credentials expire by it.
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// WithFaults sets the faults to inject, replacing the world's own.
func WithFaults(f Faults) Option { return func(s *Server) { s.faults.set(f) } }

// NewServer returns a server for w. The server owns w from now on: it fills
// in derived fields (IDs, ARNs, owners) and changes it only through Update.
func NewServer(w *World, opts ...Option) *Server {
	if w == nil {
		w = &World{}
	}
	w.normalize()
	s := &Server{
		world:    w,
		now:      time.Now,
		faults:   newFaultState(w.Faults),
		stats:    newStatsCollector(),
		sessions: map[string]*session{},
		reports:  map[string]time.Time{},
	}
	s.idx = buildIndex(w)
	for _, o := range opts {
		o(s)
	}
	s.adminAccount = s.idx.mgmt
	if s.adminAccount == "" {
		s.adminAccount = w.DefaultAccount
	}
	if s.adminAccount == "" && len(w.Accounts) > 0 && w.Accounts[0] != nil {
		s.adminAccount = w.Accounts[0].Id
	}
	for _, c := range w.Credentials {
		if c.Account == s.adminAccount {
			s.adminKey, s.adminSecret = c.AccessKeyId, c.SecretAccessKey
			break
		}
	}
	if s.adminKey == "" {
		s.adminKey = stableID("AKIA", 16, "simulator", s.adminAccount)
		s.adminSecret = "parapet-simulator-secret"
	}
	return s
}

// Credentials returns an access key the server accepts for the
// organization's management account (else the default account, else the
// first account).
func (s *Server) Credentials() (accessKeyID, secretAccessKey string) {
	return s.adminKey, s.adminSecret
}

// Start listens on addr (e.g. "127.0.0.1:0") and serves in the background.
// It returns the base URL to give the SDK clients.
func (s *Server) Start(addr string) (string, error) {
	s.lnMu.Lock()
	defer s.lnMu.Unlock()
	if s.srv != nil {
		return "", errors.New("cloudsim: server already started")
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("cloudsim: listen: %w", err)
	}
	// The goroutine gets its own reference: Close clears s.srv, possibly
	// before Serve has even started.
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan struct{})
	s.srv, s.served = srv, done
	s.url = "http://" + ln.Addr().String()
	go func() {
		defer close(done)
		_ = srv.Serve(ln)
	}()
	return s.url, nil
}

// URL is the base URL of a started server ("" before Start).
func (s *Server) URL() string {
	s.lnMu.Lock()
	defer s.lnMu.Unlock()
	return s.url
}

// Close stops a started server.
func (s *Server) Close() error {
	s.lnMu.Lock()
	defer s.lnMu.Unlock()
	if s.srv == nil {
		return nil
	}
	err := s.srv.Close()
	<-s.served
	s.srv, s.served = nil, nil
	return err
}

// Handler is the server's http.Handler, for use with httptest or a mux.
func (s *Server) Handler() http.Handler { return s }

// Update changes the world while the server runs; fn runs with no request
// in flight. Derived fields are filled in again afterwards.
func (s *Server) Update(fn func(w *World)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fn(s.world)
	s.world.normalize()
	s.idx = buildIndex(s.world)
}

// SetFaults replaces the faults being injected (and resets throttling
// buckets and the error sequence).
func (s *Server) SetFaults(f Faults) { s.faults.set(f) }

// Stats returns a snapshot of the counters.
func (s *Server) Stats() Stats { return s.stats.snapshot() }

// index holds lookups rebuilt whenever the world changes.
type index struct {
	accounts map[string]*Account
	creds    map[string]Credential
	userKeys map[string]userKey
	buckets  map[string]bucketRef
	mgmt     string
}

type userKey struct {
	account *Account
	user    *User
	key     *AccessKey
}

type bucketRef struct {
	account *Account
	bucket  *Bucket
}

func buildIndex(w *World) *index {
	x := &index{
		accounts: map[string]*Account{},
		creds:    map[string]Credential{},
		userKeys: map[string]userKey{},
		buckets:  map[string]bucketRef{},
	}
	if w.Organization != nil {
		x.mgmt = w.Organization.MasterAccountId
	}
	for _, a := range w.Accounts {
		if a == nil {
			continue
		}
		x.accounts[a.Id] = a
		for _, u := range a.IAM.Users {
			if u == nil {
				continue
			}
			for i := range u.AccessKeys {
				k := &u.AccessKeys[i]
				x.userKeys[aws.ToString(k.AccessKeyId)] = userKey{a, u, k}
			}
		}
		for _, b := range a.S3.Buckets {
			if b != nil {
				x.buckets[b.Name] = bucketRef{a, b}
			}
		}
	}
	for _, c := range w.Credentials {
		x.creds[c.AccessKeyId] = c
	}
	return x
}

// call is one request being served.
type call struct {
	s       *Server
	w       http.ResponseWriter
	r       *http.Request
	body    []byte
	form    url.Values
	proto   protocol
	service string // ec2, iam, sts, rds, cloudtrail, kms, config, organizations, guardduty, s3, s3control, ecr, eks, opensearch, elbv2, elb, lambda
	op      string
	region  string
	reqID   string
	now     time.Time
	shift   time.Duration
	world   *World
	idx     *index
	ident   identity
	spec    *opSpec
}

func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// ServeHTTP answers one AWS API call.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.stats.update(func(st *Stats) { st.Total++ })
	c := &call{s: s, w: w, r: r, reqID: newRequestID(), now: s.now()}
	body, err := io.ReadAll(io.LimitReader(r.Body, 16<<20))
	if err != nil {
		http.Error(w, "read body: "+err.Error(), http.StatusBadRequest)
		return
	}
	c.body = body
	cred, hasAuth := parseAuthorization(r)
	service := cred.service
	if !hasAuth {
		service = guessService(r)
	}
	if !c.route(service) {
		http.Error(w, fmt.Sprintf("cloudsim: no simulated AWS service for signing name %q", service), http.StatusBadRequest)
		return
	}
	c.region = cred.region
	if c.region == "" {
		c.region = "us-east-1"
	}
	c.spec = operations[c.service+"."+c.op]
	if c.spec != nil {
		key := c.service + "." + c.op
		s.stats.update(func(st *Stats) { st.Requests[key]++ })
	}
	f := s.faults.get()
	if f.Latency > 0 {
		t := time.NewTimer(f.Latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	if !hasAuth {
		c.writeError(c.proto.missingAuth())
		return
	}

	// Answer into a buffer under the read lock, and send it after: a slow
	// client must not hold up Update.
	out := &bufferedResponse{header: w.Header()}
	c.w = out
	c.answer(cred, r)
	if out.status == 0 {
		out.status = http.StatusOK
	}
	w.WriteHeader(out.status)
	_, _ = w.Write(out.body.Bytes())
}

// answer authenticates, applies faults and the account's Deny list, and
// runs the operation, with the world read-locked.
func (c *call) answer(cred credScope, r *http.Request) {
	s := c.s
	s.mu.RLock()
	defer s.mu.RUnlock()
	c.world, c.idx = s.world, s.idx
	if !c.world.AsOf.IsZero() {
		// Whole days: ages stay what the world says (to within a day)
		// while two scans on the same day see the same timestamps, so
		// comparing them shows only what really changed.
		c.shift = c.now.Sub(c.world.AsOf).Truncate(24 * time.Hour)
	}
	if e := c.authenticate(cred, r.Header.Get("X-Amz-Security-Token")); e != nil {
		c.writeError(e)
		return
	}
	if c.spec == nil {
		c.writeError(c.proto.unknownOperation(c.op))
		return
	}
	action := c.spec.action
	s.stats.update(func(st *Stats) { st.Actions[action]++ })
	if !s.faults.allow(c.ident.account.Id+"/"+c.region+"/"+c.service, time.Now()) {
		s.stats.update(func(st *Stats) { st.Throttled++ })
		c.writeError(c.proto.throttled())
		return
	}
	if fail, unavailable := s.faults.injectError(); fail {
		s.stats.update(func(st *Stats) { st.InjectedErrors++ })
		c.writeError(c.proto.serverError(unavailable))
		return
	}
	if denied(c.ident.account.Deny, action) {
		s.stats.update(func(st *Stats) { st.Denied++ })
		c.writeError(c.proto.accessDenied(action, c.ident.arn))
		return
	}
	if c.spec.regional && c.ident.account.Regions[c.region] == nil {
		c.writeError(c.proto.invalidToken(fmt.Sprintf(" (region %s is not enabled for account %s)", c.region, c.ident.account.Id)))
		return
	}
	if err := c.spec.handler(c); err != nil {
		var ae *apiError
		if !errors.As(err, &ae) {
			ae = c.proto.serverError(false)
			ae.msg = err.Error()
		}
		c.writeError(ae)
	}
}

// bufferedResponse holds an answer until the world lock is released.
type bufferedResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferedResponse) Header() http.Header { return b.header }

func (b *bufferedResponse) WriteHeader(status int) {
	if b.status == 0 {
		b.status = status
	}
}

func (b *bufferedResponse) Write(p []byte) (int, error) {
	b.WriteHeader(http.StatusOK)
	return b.body.Write(p)
}

// route sets the protocol, service and operation name of the call from
// the signing name, path and headers.
func (c *call) route(signingName string) bool {
	r := c.r
	switch signingName {
	case "ec2":
		c.proto, c.service = protoEC2, "ec2"
	case "iam", "sts", "rds":
		c.proto, c.service = protoQuery, signingName
	case "cloudtrail", "kms", "config", "organizations", "ecr":
		c.proto, c.service = protoJSON, signingName
	case "guardduty", "eks", "lambda":
		c.proto, c.service = protoRestJSON, signingName
	case "es":
		c.proto, c.service = protoRestJSON, "opensearch"
	case "elasticloadbalancing":
		// Both load balancer APIs sign as elasticloadbalancing; the API
		// version tells them apart.
		c.proto, c.service = protoQuery, "elb"
		if c.formValue("Version") == elbv2Version {
			c.service = "elbv2"
		}
	case "s3":
		if strings.HasPrefix(r.URL.Path, "/v20180820/") {
			c.proto, c.service = protoS3Control, "s3control"
		} else {
			c.proto, c.service = protoS3, "s3"
		}
	default:
		return false
	}
	switch c.proto {
	case protoEC2, protoQuery:
		c.form = r.URL.Query()
		if r.Method == http.MethodPost {
			if body, err := url.ParseQuery(string(c.body)); err == nil {
				for k, v := range body {
					c.form[k] = v
				}
			}
		}
		c.op = c.form.Get("Action")
	case protoJSON:
		target := r.Header.Get("X-Amz-Target")
		// The SDKs send "CloudTrail_20131101.Op", the AWS CLI the fully
		// qualified "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.Op".
		prefix, op := target, target
		if i := strings.LastIndexByte(target, '.'); i >= 0 {
			prefix, op = target[:i], target[i+1:]
		}
		if want := jsonTargets[c.service]; prefix == want || strings.HasSuffix(prefix, "."+want) {
			c.op = op
		} else {
			c.op = target
		}
	case protoRestJSON:
		c.op = restOperations[c.service](r)
	case protoS3:
		c.op = s3Operation(r)
	case protoS3Control:
		c.op = s3ControlOperation(r)
	}
	return true
}

var jsonTargets = map[string]string{
	"cloudtrail":    "CloudTrail_20131101",
	"kms":           "TrentService",
	"config":        "StarlingDoveService",
	"organizations": "AWSOrganizationsV20161128",
	"ecr":           "AmazonEC2ContainerRegistry_V20150921",
}

// restOperations name the operation of a REST-JSON request by method and
// path, per service.
var restOperations = map[string]func(*http.Request) string{
	"guardduty":  guardDutyOperation,
	"eks":        eksOperation,
	"lambda":     lambdaOperation,
	"opensearch": opensearchOperation,
}

// formValue reads a query-protocol parameter from the URL or a form body,
// before the call's form is parsed.
func (c *call) formValue(name string) string {
	if v := c.r.URL.Query().Get(name); v != "" {
		return v
	}
	if body, err := url.ParseQuery(string(c.body)); err == nil {
		return body.Get(name)
	}
	return ""
}

// denied reports whether action matches one of the account's Deny patterns.
func denied(patterns []string, action string) bool {
	for _, p := range patterns {
		if wildcardMatch(strings.ToLower(p), strings.ToLower(action)) {
			return true
		}
	}
	return false
}

// wildcardMatch matches IAM-style patterns: * any run, ? one character.
func wildcardMatch(pattern, s string) bool {
	for len(pattern) > 0 {
		switch pattern[0] {
		case '*':
			for i := len(s); i >= 0; i-- {
				if wildcardMatch(pattern[1:], s[i:]) {
					return true
				}
			}
			return false
		case '?':
			if len(s) == 0 {
				return false
			}
		default:
			if len(s) == 0 || s[0] != pattern[0] {
				return false
			}
		}
		pattern, s = pattern[1:], s[1:]
	}
	return len(s) == 0
}

// Serve runs a simulator for w on addr until ctx ends, printing to out the
// URL, the environment that points the AWS CLI and SDKs at it, and an
// example Parapet scan (with scanFlags appended, e.g. the organization
// flags the caller knows the world needs).
func Serve(ctx context.Context, w *World, addr string, out io.Writer, scanFlags string) error {
	s := NewServer(w)
	u, err := s.Start(addr)
	if err != nil {
		return err
	}
	key, secret := s.Credentials()
	s.mu.RLock()
	n := len(s.idx.accounts)
	region := "us-east-1"
	if a := s.idx.accounts[s.adminAccount]; a != nil && a.Regions[region] == nil && len(a.Regions) > 0 {
		names := make([]string, 0, len(a.Regions))
		for name := range a.Regions {
			names = append(names, name)
		}
		sort.Strings(names)
		region = names[0]
	}
	s.mu.RUnlock()
	fmt.Fprintf(out, "Parapet cloud simulator: %d account(s) at %s\n\n", n, u)
	fmt.Fprintf(out, "export AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s AWS_REGION=%s\n\n", key, secret, region)
	fmt.Fprintf(out, "aws sts get-caller-identity --endpoint-url %s\n", u)
	fmt.Fprintf(out, "parapet scan aws --endpoint-url %s%s\n\n", u, strings.TrimRight(" "+scanFlags, " "))
	fmt.Fprintf(out, "Serving until interrupted.\n")
	<-ctx.Done()
	return s.Close()
}
