package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestRunChecksResponses(t *testing.T) {
	body := bytes.Repeat([]byte("cadenza!"), 64<<10) // 512 KiB
	good := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.ServeContent(w, r, "x.mp3", time.Time{}, bytes.NewReader(body))
	}))
	defer good.Close()
	// bad ignores Range and truncates the body: every request must count as an error.
	bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write(body[:1000])
	}))
	defer bad.Close()

	for _, mode := range []string{"full", "range", "mixed"} {
		s := run([]target{{good.URL + "/a", int64(len(body))}}, 4, 5*time.Second, 200, mode, 7, 5*time.Second, nil)
		if s.Requests != 200 || s.Errors != 0 || s.TTFBP99 <= 0 || s.TotalP99 < s.TTFBP50 {
			t.Errorf("%s against a correct server: %+v", mode, s)
		}
		s = run([]target{{bad.URL + "/a", int64(len(body))}}, 2, 5*time.Second, 20, mode, 7, 5*time.Second, nil)
		if s.Requests != 20 || s.Errors != 20 {
			t.Errorf("%s against a broken server: %+v", mode, s)
		}
	}
}

func TestReadTargetsOnlyLoopback(t *testing.T) {
	dir := t.TempDir()
	write := func(text string) string {
		p := filepath.Join(dir, "urls")
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	if ts, err := readTargets(write("# c\nhttp://127.0.0.1:8080/f%20x\t123\n\n")); err != nil || len(ts) != 1 || ts[0].size != 123 {
		t.Errorf("valid file: %v %v", ts, err)
	}
	for _, bad := range []string{"http://example.com/f\t1\n", "http://127.0.0.1/f\n", "http://127.0.0.1/f\t0\n", ""} {
		if _, err := readTargets(write(bad)); err == nil {
			t.Errorf("%q: want an error", bad)
		}
	}
}

func TestHeadersAreSent(t *testing.T) {
	body := []byte("secret page")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer k" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Write(body)
	}))
	defer srv.Close()
	var h headerFlags
	if err := h.Set("Authorization: Bearer k"); err != nil {
		t.Fatal(err)
	}
	if err := h.Set("no colon"); err == nil {
		t.Error("a header without a colon was accepted")
	}
	targets := []target{{srv.URL, int64(len(body))}}
	if s := run(targets, 2, 5*time.Second, 10, "full", 1, 5*time.Second, http.Header(h)); s.Errors != 0 {
		t.Errorf("with the header: %+v", s)
	}
	if s := run(targets, 2, 5*time.Second, 10, "full", 1, 5*time.Second, nil); s.Errors != 10 {
		t.Errorf("without it: %+v", s)
	}
}
