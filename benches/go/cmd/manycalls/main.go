// manycalls: many goroutines sharing one client, ours against LiveChat's Go
// SDK (lc-sdk-go, API 3.3), one after the other on one emulator process:
// 256 goroutines with every call held 20 ms by the emulator (a fault with
// delay_ms, as LiveChat's network latency would), and 1, 4 and 16 without
// latency. For each: calls/s, and the contender's peak OS threads and
// sockets (from its /proc/self). Prints the Markdown rows of BENCHMARKS.md's
// "Many calls at once" (Go) and, with --json, writes the figures.
//
// From the repository root, after make bench-go:
//
//	target/bench/manycalls --rounds 3 --json benches/results/go-many-calls.json
//
// Rounds alternate the contenders (ours, theirs, ours ...) so that drift
// of the machine's speed hits both; each figure is the median over the
// rounds. Without target/bench/go-lc-sdk (built only when
// ../shared/peers/lc-sdk-go-v3 exists) lc-sdk-go is skipped, and the table
// says so.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
)

type result struct {
	Contender       string  `json:"contender"`
	Goroutines      int     `json:"goroutines"`
	Calls           int     `json:"calls"`
	Errors          int     `json:"errors"`
	FirstError      *string `json:"first_error"`
	CallsPerS       float64 `json:"calls_per_s"`
	PeakThreads     int     `json:"peak_threads"`
	PeakSockets     int     `json:"peak_sockets"`
	CPUUSPerCall    float64 `json:"cpu_us_per_call"`
	SwitchesPerCall float64 `json:"switches_per_call"`
}

// scenario is one row: goroutines, the emulator's delay, calls per run.
type scenario struct {
	Goroutines int `json:"goroutines"`
	DelayMS    int `json:"delay_ms"`
	Calls      int `json:"calls"`
}

// row is a scenario's medians, by contender.
type row struct {
	scenario
	Ours   *result `json:"ours"`
	Theirs *result `json:"lc_sdk_go"`
}

func main() {
	bin := flag.String("bin", "target/bench", "where go-ours and go-lc-sdk are")
	emulator := flag.String("emulator", "target/release/livechat-bots", "the livechat-bots binary (its emulator command)")
	rounds := flag.Int("rounds", 3, "rounds (each runs every contender on every scenario)")
	delayed := flag.Int("delayed-calls", 10240, "calls of the delayed run")
	calls := flag.Int("calls", 10000, "calls of each run without latency")
	delay := flag.Int("delay-ms", 20, "the emulator's delay of every call in the delayed run")
	many := flag.Int("goroutines", 256, "goroutines of the delayed run")
	jsonOut := flag.String("json", "", "write the figures to this file")
	flag.Parse()

	scenarios := []scenario{{*many, *delay, *delayed}, {1, 0, *calls}, {4, 0, *calls}, {16, 0, *calls}}
	contenders := []string{*bin + "/go-ours"}
	theirs := *bin + "/go-lc-sdk"
	_, err := os.Stat(theirs)
	haveTheirs := err == nil
	if haveTheirs {
		contenders = append(contenders, theirs)
	} else {
		fmt.Fprintf(os.Stderr, "manycalls: %s is absent (../shared/peers/lc-sdk-go-v3 was not there at build): lc-sdk-go is SKIPPED\n", theirs)
	}

	url, stop := startEmulator(*emulator)
	defer stop()
	runs := map[string][]result{} // by contender and scenario
	for r := 0; r < *rounds; r++ {
		for _, s := range scenarios {
			for _, c := range contenders {
				res := run(url, c, s)
				key := fmt.Sprintf("%s/%d/%d", res.Contender, s.Goroutines, s.DelayMS)
				runs[key] = append(runs[key], res)
				fmt.Fprintf(os.Stderr, "round %d %-10s x%-3d delay %2d ms: %7.0f calls/s, peak %d threads, %d sockets\n",
					r+1, res.Contender, s.Goroutines, s.DelayMS, res.CallsPerS, res.PeakThreads, res.PeakSockets)
			}
		}
	}

	rows := make([]row, 0, len(scenarios))
	for _, s := range scenarios {
		rw := row{scenario: s, Ours: median(runs[fmt.Sprintf("go-ours/%d/%d", s.Goroutines, s.DelayMS)])}
		if haveTheirs {
			rw.Theirs = median(runs[fmt.Sprintf("go-lc-sdk/%d/%d", s.Goroutines, s.DelayMS)])
		}
		rows = append(rows, rw)
	}
	printTable(rows, *rounds, haveTheirs)
	if *jsonOut != "" {
		b, _ := json.MarshalIndent(map[string]any{"rounds": *rounds, "rows": rows, "lc_sdk_go_present": haveTheirs}, "", "  ")
		if err := os.WriteFile(*jsonOut, append(b, '\n'), 0o644); err != nil {
			fail(err)
		}
	}
}

func printTable(rows []row, rounds int, haveTheirs bool) {
	fmt.Printf("Go: goroutines sharing one client (`GetBotAgentDetails`), ours (`livechatbots`, API 3.3) against "+
		"LiveChat's lc-sdk-go (API 3.3), one after the other on one emulator process; the delayed row holds every call "+
		"%d ms in the emulator (a fault with `delay_ms`). Peak OS threads and sockets are the contender's own, "+
		"from /proc/self while its calls run; CPU and context switches (all its threads, getrusage) per call say where a call's "+
		"cost goes when calls/s are close or noisy. Median of %d rounds (`target/bench/manycalls`).\n\n", rows[0].DelayMS, rounds)
	if !haveTheirs {
		fmt.Print("lc-sdk-go: SKIPPED (../shared/peers/lc-sdk-go-v3 was absent when the benchmarks were built).\n\n")
		fmt.Println("| goroutines | delay | calls | ours calls/s | ours peak OS threads | ours peak sockets | ours CPU µs/call | ours switches/call |")
		fmt.Println("|--:|--:|--:|--:|--:|--:|--:|--:|")
		for _, r := range rows {
			fmt.Printf("| %d | %d ms | %d | %s | %d | %d | %.0f | %.1f |\n", r.Goroutines, r.DelayMS, r.Calls, thousands(r.Ours.CallsPerS),
				r.Ours.PeakThreads, r.Ours.PeakSockets, r.Ours.CPUUSPerCall, r.Ours.SwitchesPerCall)
		}
		return
	}
	fmt.Println("| goroutines | delay | calls | ours calls/s | lc-sdk-go calls/s | ours ÷ lc-sdk-go | ours peak OS threads | theirs | ours peak sockets | theirs | ours CPU µs/call | theirs | ours switches/call | theirs |")
	fmt.Println("|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
	for _, r := range rows {
		fmt.Printf("| %d | %d ms | %d | %s | %s | %.2fx | %d | %d | %d | %d | %.0f | %.0f | %.1f | %.1f |\n", r.Goroutines, r.DelayMS, r.Calls,
			thousands(r.Ours.CallsPerS), thousands(r.Theirs.CallsPerS), r.Ours.CallsPerS/r.Theirs.CallsPerS,
			r.Ours.PeakThreads, r.Theirs.PeakThreads, r.Ours.PeakSockets, r.Theirs.PeakSockets,
			r.Ours.CPUUSPerCall, r.Theirs.CPUUSPerCall, r.Ours.SwitchesPerCall, r.Theirs.SwitchesPerCall)
	}
	d := rows[0]
	fmt.Printf("\nTargets: at %d delayed goroutines >= 1.2x lc-sdk-go's calls/s (%.2fx: %s), peak OS threads <= 16 (%d: %s), "+
		"peak sockets no more than lc-sdk-go's (%d against %d: %s); without latency >= 1.0x at 1, 4 and 16 goroutines (",
		d.Goroutines, d.Ours.CallsPerS/d.Theirs.CallsPerS, met(d.Ours.CallsPerS >= 1.2*d.Theirs.CallsPerS),
		d.Ours.PeakThreads, met(d.Ours.PeakThreads <= 16), d.Ours.PeakSockets, d.Theirs.PeakSockets, met(d.Ours.PeakSockets <= d.Theirs.PeakSockets))
	for i, r := range rows[1:] {
		if i > 0 {
			fmt.Print(", ")
		}
		fmt.Printf("%.2fx: %s", r.Ours.CallsPerS/r.Theirs.CallsPerS, met(r.Ours.CallsPerS >= r.Theirs.CallsPerS))
	}
	fmt.Println(").")
	if d.DelayMS > 0 && d.Ours.CallsPerS < 1.2*d.Theirs.CallsPerS {
		// Every call is held DelayMS: no client does more than this.
		ceiling := float64(d.Goroutines) * 1000 / float64(d.DelayMS)
		fmt.Printf("\nAt %d goroutines held %d ms each no client passes %s calls/s (goroutines ÷ delay): ours reaches "+
			"%.0f%% of that, lc-sdk-go %.0f%%, and 1.2x lc-sdk-go would be %.0f%%. What is left is the time the answers of "+
			"a wave, all due at once, take to go through one client (ours: one I/O thread; CPU per call is the column "+
			"to compare there).\n", d.Goroutines, d.DelayMS, thousands(ceiling), 100*d.Ours.CallsPerS/ceiling,
			100*d.Theirs.CallsPerS/ceiling, 120*d.Theirs.CallsPerS/ceiling)
	}
	for _, r := range rows[1:] {
		if r.Ours.CallsPerS < r.Theirs.CallsPerS {
			fmt.Print("\nWhere ours is under 1.0x without latency, the CPU and switches per call columns are why: each queued " +
				"call is handed to the library's I/O thread and its answer back through the queue's eventfd to Go's netpoller, " +
				"two wake-ups of other threads per call that lc-sdk-go (goroutine hand-offs inside one Go scheduler) does not " +
				"pay; with few calls in flight they are not shared between calls, with many they are.\n")
			break
		}
	}
}

func met(ok bool) string {
	if ok {
		return "met"
	}
	return "NOT met"
}

func thousands(x float64) string {
	s := strconv.FormatInt(int64(x+0.5), 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func startEmulator(binary string) (string, func()) {
	emu := exec.Command(binary, "emulator")
	stdout, err := emu.StdoutPipe()
	if err != nil {
		fail(err)
	}
	if err := emu.Start(); err != nil {
		fail(fmt.Errorf("starting %s: %w", binary, err))
	}
	url, err := bufio.NewReader(stdout).ReadString('\n')
	url = strings.TrimSpace(url)
	if err != nil || !strings.HasPrefix(url, "http://") {
		fail(fmt.Errorf("the emulator printed %q (%v)", url, err))
	}
	return url, func() { _ = emu.Process.Signal(os.Interrupt); _ = emu.Wait() }
}

// control posts one of the emulator console's control calls.
func control(url, path string, doc any) {
	b, _ := json.Marshal(doc)
	resp, err := http.Post(url+path, "application/json", bytes.NewReader(b))
	if err != nil {
		fail(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fail(fmt.Errorf("POST %s: HTTP %d", path, resp.StatusCode))
	}
}

// run runs one contender on one scenario: the delay is a fault on every
// request of the run (setup and warm-up included), cleared after.
func run(url, bin string, s scenario) result {
	if s.DelayMS > 0 {
		control(url, "/_emulator/faults", map[string]any{"times": 1_000_000, "delay_ms": s.DelayMS})
		defer control(url, "/_emulator/faults/clear", map[string]any{})
	}
	warm := max(500, s.Goroutines*4)
	cmd := exec.Command(bin, "--url", url, "--api", "3.3", "--many", strconv.Itoa(s.Goroutines),
		"--n", strconv.Itoa(s.Calls), "--warmup", strconv.Itoa(warm))
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		fail(fmt.Errorf("%s: %w: %s", bin, err, errOut.String()))
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	var res result
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &res); err != nil {
		fail(fmt.Errorf("%s printed %q: %w", bin, out.String(), err))
	}
	if res.Errors != 0 {
		fail(fmt.Errorf("%s: %d of %d calls failed, the first: %s", res.Contender, res.Errors, res.Calls, *res.FirstError))
	}
	return res
}

// median takes each figure's median on its own over the rounds.
func median(rs []result) *result {
	m := rs[0]
	m.CallsPerS = med(rs, func(r result) float64 { return r.CallsPerS })
	m.PeakThreads = int(med(rs, func(r result) float64 { return float64(r.PeakThreads) }))
	m.PeakSockets = int(med(rs, func(r result) float64 { return float64(r.PeakSockets) }))
	m.CPUUSPerCall = med(rs, func(r result) float64 { return r.CPUUSPerCall })
	m.SwitchesPerCall = med(rs, func(r result) float64 { return r.SwitchesPerCall })
	return &m
}

func med(rs []result, f func(result) float64) float64 {
	xs := make([]float64, len(rs))
	for i, r := range rs {
		xs[i] = f(r)
	}
	sort.Float64s(xs)
	k := len(xs) / 2
	if len(xs)%2 == 1 {
		return xs[k]
	}
	return (xs[k-1] + xs[k]) / 2
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "manycalls:", err)
	os.Exit(1)
}
