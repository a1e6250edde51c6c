package harness

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// manyReport is what a contender prints with --many: one phase of
// goroutines sharing the client, with the process's peak OS threads and
// sockets (sampled from /proc/self while the calls run).
type manyReport struct {
	Contender   string  `json:"contender"`
	Goroutines  int     `json:"goroutines"`
	Calls       int     `json:"calls"`
	Errors      int64   `json:"errors"`
	FirstError  *string `json:"first_error"`
	WallS       float64 `json:"wall_s"`
	CallsPerS   float64 `json:"calls_per_s"`
	PeakThreads int     `json:"peak_threads"`
	PeakSockets int     `json:"peak_sockets"`
	// The process's CPU time and context switches (voluntary and not, all
	// threads) per call: where a call's cost goes, beside calls/s.
	CPUUSPerCall    float64 `json:"cpu_us_per_call"`
	SwitchesPerCall float64 `json:"switches_per_call"`
}

// switches is the process's context switches so far (getrusage).
func switches() int64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return ru.Nvcsw + ru.Nivcsw
}

// threadsNow is the process's OS thread count (/proc/self/status Threads).
func threadsNow() int {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "Threads:"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(rest))
			return n
		}
	}
	return 0
}

// socketsNow counts the process's open sockets (/proc/self/fd links to
// socket:[inode]).
func socketsNow() int {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return 0
	}
	n := 0
	for _, e := range entries {
		if target, err := os.Readlink("/proc/self/fd/" + e.Name()); err == nil && strings.HasPrefix(target, "socket:") {
			n++
		}
	}
	return n
}

// peaks samples threads and sockets every 10 ms until stop is closed.
func peaks(stop <-chan struct{}) (threads, sockets func() int) {
	var t, s atomic.Int64
	sample := func() {
		t.Store(max(t.Load(), int64(threadsNow())))
		s.Store(max(s.Load(), int64(socketsNow())))
	}
	sample()
	go func() {
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				sample()
			}
		}
	}()
	return func() int { sample(); return int(t.Load()) }, func() int { return int(s.Load()) }
}

// runMany makes a.N details calls from a.Many goroutines sharing ops, after
// a.Warm calls from as many goroutines (so that connections are open), and
// prints the report. The emulator's faults (a delay) are the driver's.
func runMany(contender string, ops Ops, seed string, a Args) {
	stop := make(chan struct{})
	threads, sockets := peaks(stop)
	rep := manyReport{Contender: contender, Goroutines: a.Many}
	var left atomic.Int64
	var firstMu sync.Mutex
	calls := func() {
		var wg sync.WaitGroup
		for g := 0; g < a.Many; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for left.Add(-1) >= 0 {
					if err := ops.Details(seed); err != nil {
						if atomic.AddInt64(&rep.Errors, 1) == 1 {
							firstMu.Lock()
							s := err.Error()
							rep.FirstError = &s
							firstMu.Unlock()
						}
					}
				}
			}()
		}
		wg.Wait()
	}
	left.Store(int64(a.Warm))
	calls()
	rep.Errors, rep.FirstError = 0, nil
	left.Store(int64(a.N))
	u0, s0 := cpuUS()
	sw0 := switches()
	t0 := time.Now()
	calls()
	wall := time.Since(t0)
	u1, s1 := cpuUS()
	rep.CPUUSPerCall = float64(u1-u0+s1-s0) / float64(a.N)
	rep.SwitchesPerCall = float64(switches()-sw0) / float64(a.N)
	rep.PeakThreads, rep.PeakSockets = threads(), sockets()
	close(stop)
	rep.Calls = a.N
	rep.WallS = wall.Seconds()
	rep.CallsPerS = float64(a.N) / rep.WallS
	_ = ops.Remove(seed)
	out, _ := json.Marshal(rep)
	fmt.Println(string(out))
}
