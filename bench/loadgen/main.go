// Command loadgen is a small, bounded HTTP load generator for the Cadenza streaming benchmark.
//
// It reads a list of "URL<TAB>SIZE" lines, fetches them with -c concurrent workers over one shared
// keep-alive transport for at most -d (and at most -n requests), verifies every response (status,
// length, Content-Range) and prints one JSON summary line on stdout. It only talks to 127.0.0.1.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

const (
	minRange     = 1 << 10   // 1 KiB
	maxRange     = 256 << 10 // 256 KiB
	maxDuration  = 10 * time.Minute
	maxRequests  = 100_000_000
	maxWorkers   = 1024
	maxErrorLogs = 5
)

type target struct {
	url  string
	size int64
}

type summary struct {
	Mode        string  `json:"mode"`
	Concurrency int     `json:"concurrency"`
	Requests    int64   `json:"requests"`
	Errors      int64   `json:"errors"`
	Bytes       int64   `json:"bytes"`
	Seconds     float64 `json:"seconds"`
	ReqPerS     float64 `json:"req_per_s"`
	MBPerS      float64 `json:"MB_per_s"`
	TTFBP50     float64 `json:"ttfb_p50_ms"`
	TTFBP99     float64 `json:"ttfb_p99_ms"`
	TotalP50    float64 `json:"total_p50_ms"`
	TotalP99    float64 `json:"total_p99_ms"`
	CPUUser     float64 `json:"cpu_user_s"` // this process's own CPU time, for the share of the cores it took
	CPUSys      float64 `json:"cpu_sys_s"`
}

// stats is one worker's tally; merged after the run so the hot path takes no locks.
type stats struct {
	requests, errors, bytes int64
	ttfb, total             []time.Duration
}

func main() {
	urlsFile := flag.String("urls", "", "file of `URL<TAB>SIZE` lines (required)")
	conc := flag.Int("c", 32, "concurrent workers")
	dur := flag.Duration("d", 15*time.Second, "run time limit (at most 10m)")
	count := flag.Int64("n", 0, "request limit (0: only the time limit applies)")
	mode := flag.String("mode", "full", "full | range | mixed (50% full, 50% range)")
	seed := flag.Uint64("seed", 1, "random seed")
	timeout := flag.Duration("timeout", 30*time.Second, "per-request timeout")
	var headers headerFlags
	flag.Var(&headers, "H", "`Name: value` header sent with every request (repeatable), e.g. credentials")
	flag.Parse()

	targets, err := readTargets(*urlsFile)
	if err == nil {
		err = validate(*conc, *dur, *count, *mode, *timeout)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(2)
	}
	s := run(targets, *conc, *dur, *count, *mode, *seed, *timeout, http.Header(headers))
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		s.CPUUser = round(time.Duration(ru.Utime.Nano()).Seconds())
		s.CPUSys = round(time.Duration(ru.Stime.Nano()).Seconds())
	}
	out, _ := json.Marshal(s)
	fmt.Println(string(out))
}

func validate(conc int, dur time.Duration, count int64, mode string, timeout time.Duration) error {
	switch {
	case conc < 1 || conc > maxWorkers:
		return fmt.Errorf("-c must be in 1..%d", maxWorkers)
	case dur <= 0 || dur > maxDuration:
		return fmt.Errorf("-d must be in (0, %s]", maxDuration)
	case count < 0 || count > maxRequests:
		return fmt.Errorf("-n must be in 0..%d", maxRequests)
	case mode != "full" && mode != "range" && mode != "mixed":
		return fmt.Errorf("-mode must be full, range or mixed, not %q", mode)
	case timeout <= 0 || timeout > maxDuration:
		return fmt.Errorf("-timeout must be in (0, %s]", maxDuration)
	}
	return nil
}

func readTargets(path string) ([]target, error) {
	if path == "" {
		return nil, errors.New("-urls is required")
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var ts []target
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimRight(sc.Text(), "\r")
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		raw, sizeText, ok := strings.Cut(text, "\t")
		size, err := strconv.ParseInt(strings.TrimSpace(sizeText), 10, 64)
		if !ok || err != nil || size <= 0 {
			return nil, fmt.Errorf("%s:%d: want URL<TAB>SIZE with SIZE > 0", path, line)
		}
		u, err := url.Parse(raw)
		if err != nil || u.Scheme != "http" || u.Hostname() != "127.0.0.1" {
			return nil, fmt.Errorf("%s:%d: only http://127.0.0.1 URLs are allowed: %q", path, line, raw)
		}
		ts = append(ts, target{raw, size})
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(ts) == 0 {
		return nil, fmt.Errorf("%s: no URLs", path)
	}
	return ts, nil
}

func run(targets []target, conc int, dur time.Duration, count int64, mode string, seed uint64, timeout time.Duration, headers http.Header) summary {
	transport := &http.Transport{
		Proxy:               nil, // never go through a proxy from the environment
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        2 * conc,
		MaxIdleConnsPerHost: 2 * conc,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true, // compare raw bytes, and keep Content-Length meaningful
		ForceAttemptHTTP2:   false,
	}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport, Timeout: timeout}

	var issued atomic.Int64
	var logged atomic.Int32
	deadline := time.Now().Add(dur)
	all := make([]stats, conc)
	var wg sync.WaitGroup
	start := time.Now()
	for w := range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(seed, uint64(w)))
			st := &all[w]
			for time.Now().Before(deadline) && (count == 0 || issued.Add(1) <= count) {
				t := targets[rng.IntN(len(targets))]
				ranged := mode == "range" || (mode == "mixed" && rng.IntN(2) == 0)
				ttfb, total, n, err := fetch(client, t, ranged, rng, headers)
				st.requests++
				st.bytes += n
				if err != nil {
					st.errors++
					if logged.Add(1) <= maxErrorLogs {
						fmt.Fprintf(os.Stderr, "loadgen: %s: %v\n", t.url, err)
					}
					continue
				}
				st.ttfb = append(st.ttfb, ttfb)
				st.total = append(st.total, total)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start).Seconds()

	s := summary{Mode: mode, Concurrency: conc, Seconds: round(elapsed)}
	var ttfb, total []time.Duration
	for _, st := range all {
		s.Requests += st.requests
		s.Errors += st.errors
		s.Bytes += st.bytes
		ttfb = append(ttfb, st.ttfb...)
		total = append(total, st.total...)
	}
	s.ReqPerS = round(float64(s.Requests) / elapsed)
	s.MBPerS = round(float64(s.Bytes) / 1e6 / elapsed)
	s.TTFBP50, s.TTFBP99 = percentile(ttfb, 50), percentile(ttfb, 99)
	s.TotalP50, s.TotalP99 = percentile(total, 50), percentile(total, 99)
	return s
}

// fetch performs one request, reads the whole body and checks status, length and Content-Range.
// It returns the time to the first response byte, the total time and the body bytes read.
func fetch(client *http.Client, t target, ranged bool, rng *rand.Rand, headers http.Header) (ttfb, total time.Duration, n int64, err error) {
	req, err := http.NewRequest(http.MethodGet, t.url, nil)
	if err != nil {
		return 0, 0, 0, err
	}
	for name, values := range headers {
		req.Header[name] = values
	}
	wantStatus, wantLen, wantRange := http.StatusOK, t.size, ""
	if ranged {
		length := min(t.size, minRange+rng.Int64N(maxRange-minRange+1))
		first := rng.Int64N(t.size - length + 1)
		last := first + length - 1
		req.Header.Set("Range", fmt.Sprintf("bytes=%d-%d", first, last))
		wantStatus, wantLen = http.StatusPartialContent, length
		wantRange = fmt.Sprintf("bytes %d-%d/%d", first, last, t.size)
	}

	start := time.Now()
	var first time.Time
	trace := &httptrace.ClientTrace{GotFirstResponseByte: func() { first = time.Now() }}
	req = req.WithContext(httptrace.WithClientTrace(context.Background(), trace))
	resp, err := client.Do(req)
	if err != nil {
		return 0, 0, 0, err
	}
	n, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	total = time.Since(start)
	ttfb = first.Sub(start)
	switch {
	case err != nil:
		return ttfb, total, n, fmt.Errorf("reading body after %d bytes: %w", n, err)
	case resp.StatusCode != wantStatus:
		return ttfb, total, n, fmt.Errorf("status %d, want %d", resp.StatusCode, wantStatus)
	case n != wantLen:
		return ttfb, total, n, fmt.Errorf("body is %d bytes, want %d", n, wantLen)
	case resp.ContentLength >= 0 && resp.ContentLength != wantLen:
		return ttfb, total, n, fmt.Errorf("Content-Length %d, want %d", resp.ContentLength, wantLen)
	case ranged && resp.Header.Get("Content-Range") != wantRange:
		return ttfb, total, n, fmt.Errorf("Content-Range %q, want %q", resp.Header.Get("Content-Range"), wantRange)
	}
	return ttfb, total, n, nil
}

// headerFlags collects the -H flags ("Name: value"; repeatable) into a header.
type headerFlags http.Header

func (h headerFlags) String() string { return fmt.Sprint(len(h), " headers") } // never print credentials

func (h *headerFlags) Set(v string) error {
	name, value, ok := strings.Cut(v, ":")
	name = strings.TrimSpace(name)
	if !ok || name == "" || strings.ContainsAny(name, " \t") {
		return fmt.Errorf("want Name: value")
	}
	if *h == nil {
		*h = headerFlags{}
	}
	http.Header(*h).Add(name, strings.TrimSpace(value))
	return nil
}

// percentile returns the nearest-rank p-th percentile in milliseconds (0 when there are no samples).
func percentile(ds []time.Duration, p float64) float64 {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	i := int(math.Ceil(p/100*float64(len(ds)))) - 1
	return round(float64(ds[max(i, 0)]) / float64(time.Millisecond))
}

func round(x float64) float64 { return math.Round(x*1000) / 1000 }
