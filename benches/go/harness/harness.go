// Package harness runs the benchmark phases for a Go contender and prints
// the JSON document every contender prints (see benches/README.md).
package harness

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Ops are the five calls of the benchmark, on one shared client.
type Ops interface {
	Create() (string, error)
	Details(id string) error
	Update(id string) error
	List() error
	Remove(id string) error
}

// Args are the command line every contender takes.
type Args struct {
	URL string
	// API is the API version the contender speaks (--api, default 3.6).
	API                           string
	N, Mixed, ThreadN, Soak, Warm int
	Threads                       []int
	// CPUProfile, when set, gets a pprof CPU profile of the details phase.
	CPUProfile string
	// Many, when above 0, runs only the many-goroutines phase (--many G:
	// N details calls from G goroutines; see many.go).
	Many int
}

// ParseArgs reads the flags (--url, --n, --mixed, --threads, --thread-n, --soak, --warmup).
func ParseArgs() Args {
	var a Args
	var threads string
	flag.StringVar(&a.URL, "url", "", "emulator URL")
	flag.StringVar(&a.API, "api", "3.6", "API version")
	flag.IntVar(&a.N, "n", 20000, "details calls")
	flag.IntVar(&a.Mixed, "mixed", 20000, "mixed calls")
	flag.IntVar(&a.ThreadN, "thread-n", 20000, "details calls of each threads phase")
	flag.IntVar(&a.Soak, "soak", 0, "calls of the RSS growth run")
	flag.IntVar(&a.Warm, "warmup", 500, "warm-up calls")
	flag.StringVar(&threads, "threads", "2,4", "goroutine counts")
	flag.StringVar(&a.CPUProfile, "cpuprofile", "", "write a CPU profile of the details phase to this file")
	flag.IntVar(&a.Many, "many", 0, "run only N details calls from this many goroutines, with peak threads and sockets")
	flag.Parse()
	if a.URL == "" {
		fmt.Fprintln(os.Stderr, "--url is required")
		os.Exit(2)
	}
	for _, s := range strings.Split(threads, ",") {
		if t, err := strconv.Atoi(strings.TrimSpace(s)); err == nil && t > 0 {
			a.Threads = append(a.Threads, t)
		}
	}
	return a
}

func cpuUS() (user, sys int64) {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return ru.Utime.Sec*1e6 + ru.Utime.Usec, ru.Stime.Sec*1e6 + ru.Stime.Usec
}

// RSSKB is the resident set size in KiB, from /proc/self/statm.
func RSSKB() int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0
	}
	pages, _ := strconv.ParseInt(f[1], 10, 64)
	return pages * int64(os.Getpagesize()) / 1024
}

type phase struct {
	Name         string  `json:"name"`
	Threads      int     `json:"threads"`
	Calls        int     `json:"calls"`
	Errors       int     `json:"errors"`
	FirstError   *string `json:"first_error"`
	WallS        float64 `json:"wall_s"`
	CPUUserS     float64 `json:"cpu_user_s"`
	CPUSysS      float64 `json:"cpu_sys_s"`
	CallsPerS    float64 `json:"calls_per_s"`
	CPUUSPerCall float64 `json:"cpu_us_per_call"`
	P50US        float64 `json:"p50_us"`
	P99US        float64 `json:"p99_us"`
}

type soak struct {
	Calls       int   `json:"calls"`
	Errors      int   `json:"errors"`
	RSSBeforeKB int64 `json:"rss_before_kb"`
	RSSAfterKB  int64 `json:"rss_after_kb"`
	GrowthKB    int64 `json:"growth_kb"`
}

type report struct {
	Contender      string  `json:"contender"`
	APIVersion     string  `json:"api_version"`
	LibraryVersion string  `json:"library_version"`
	RSSSetupKB     int64   `json:"rss_setup_kb"`
	RSSAfterKB     int64   `json:"rss_after_kb"`
	Phases         []phase `json:"phases"`
	Soak           *soak   `json:"soak"`
}

type recorder struct {
	lat    []time.Duration
	errors int
	first  error
}

func (r *recorder) note(err error) {
	if err != nil {
		r.errors++
		if r.first == nil {
			r.first = err
		}
	}
}

func percentileUS(sorted []time.Duration, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p * float64(len(sorted))))
	rank = max(1, min(rank, len(sorted)))
	return float64(sorted[rank-1].Nanoseconds()) / 1000
}

func finish(name string, threads int, recs []*recorder, wall time.Duration, u0, s0 int64) phase {
	u1, s1 := cpuUS()
	var lat []time.Duration
	p := phase{Name: name, Threads: threads}
	for _, r := range recs {
		lat = append(lat, r.lat...)
		p.Errors += r.errors
		if r.first != nil && p.FirstError == nil {
			s := r.first.Error()
			p.FirstError = &s
		}
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	p.Calls = len(lat)
	p.WallS = wall.Seconds()
	p.CPUUserS = float64(u1-u0) / 1e6
	p.CPUSysS = float64(s1-s0) / 1e6
	if p.WallS > 0 {
		p.CallsPerS = float64(p.Calls) / p.WallS
	}
	if p.Calls > 0 {
		p.CPUUSPerCall = float64(u1-u0+s1-s0) / float64(p.Calls)
	}
	p.P50US = percentileUS(lat, 0.50)
	p.P99US = percentileUS(lat, 0.99)
	return p
}

func runDetails(ops Ops, id string, n int, r *recorder) {
	for i := 0; i < n; i++ {
		t := time.Now()
		err := ops.Details(id)
		r.lat = append(r.lat, time.Since(t))
		r.note(err)
	}
}

func timed(r *recorder, f func() error) {
	t := time.Now()
	err := f()
	r.lat = append(r.lat, time.Since(t))
	r.note(err)
}

func phaseMixed(ops Ops, n int) phase {
	cycles := n / 5
	r := &recorder{lat: make([]time.Duration, 0, cycles*5)}
	u0, s0 := cpuUS()
	t0 := time.Now()
	for c := 0; c < cycles; c++ {
		var id string
		timed(r, func() (err error) { id, err = ops.Create(); return })
		if id == "" {
			continue
		}
		timed(r, func() error { return ops.Details(id) })
		timed(r, func() error { return ops.Update(id) })
		timed(r, ops.List)
		timed(r, func() error { return ops.Remove(id) })
	}
	return finish("mixed", 1, []*recorder{r}, time.Since(t0), u0, s0)
}

func phaseThreads(ops Ops, id string, threads, n int) phase {
	per := n / threads
	recs := make([]*recorder, threads)
	var ready, start, done sync.WaitGroup
	start.Add(1)
	for i := range recs {
		recs[i] = &recorder{lat: make([]time.Duration, 0, per)}
		ready.Add(1)
		done.Add(1)
		go func(r *recorder) {
			defer done.Done()
			ready.Done()
			start.Wait()
			runDetails(ops, id, per, r)
		}(recs[i])
	}
	ready.Wait()
	u0, s0 := cpuUS()
	t0 := time.Now()
	start.Done()
	done.Wait()
	return finish("threads", threads, recs, time.Since(t0), u0, s0)
}

// Run runs every phase on ops and prints the report.
func Run(contender, libraryVersion string, ops Ops, a Args) {
	seed, err := ops.Create()
	if err == nil {
		err = ops.Details(seed)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: setup: %v\n", contender, err)
		os.Exit(2)
	}
	if a.Many > 0 {
		runMany(contender, ops, seed, a)
		return
	}
	rep := report{Contender: contender, APIVersion: a.API, LibraryVersion: libraryVersion, RSSSetupKB: RSSKB(), Phases: []phase{}}
	runDetails(ops, seed, a.Warm, &recorder{})
	if a.N > 0 {
		r := &recorder{lat: make([]time.Duration, 0, a.N)}
		if a.CPUProfile != "" {
			if f, err := os.Create(a.CPUProfile); err == nil {
				_ = pprof.StartCPUProfile(f)
				defer f.Close()
			}
		}
		u0, s0 := cpuUS()
		t0 := time.Now()
		runDetails(ops, seed, a.N, r)
		pprof.StopCPUProfile()
		rep.Phases = append(rep.Phases, finish("details", 1, []*recorder{r}, time.Since(t0), u0, s0))
	}
	if a.Mixed > 0 {
		rep.Phases = append(rep.Phases, phaseMixed(ops, a.Mixed))
	}
	rep.RSSAfterKB = RSSKB()
	for _, t := range a.Threads {
		rep.Phases = append(rep.Phases, phaseThreads(ops, seed, t, a.ThreadN))
	}
	if a.Soak > 0 {
		// No latency record here: its buffer would count as growth.
		s := &soak{Calls: a.Soak, RSSBeforeKB: RSSKB()}
		for i := 0; i < a.Soak; i++ {
			if ops.Details(seed) != nil {
				s.Errors++
			}
		}
		s.RSSAfterKB = RSSKB()
		s.GrowthKB = s.RSSAfterKB - s.RSSBeforeKB
		rep.Soak = s
	}
	_ = ops.Remove(seed)
	out, _ := json.Marshal(rep)
	fmt.Println(string(out))
}
