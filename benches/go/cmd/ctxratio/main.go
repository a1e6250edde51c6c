// ctxratio runs the Go contender with and without a per-call
// context.WithTimeout, side by side against one emulator process, and
// prints the ratio of their figures: a call with a context deadline must
// run at about the speed of one without (it runs on the client's own
// handle and connection, with a per-call timeout and cancel token).
//
// From the repository root, after make bench-go (or go build of cmd/ours):
//
//	go run ./benches/go/cmd/ctxratio            # cd benches/go first: it is this module's
//	target/bench/ctxratio --n 10000 --rounds 3
//
// Rounds alternate the two programs (plain, ctx, plain, ctx ...) so that
// drift of the machine's speed hits both; each figure is the median over
// the rounds.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"time"
)

type phase struct {
	Name         string  `json:"name"`
	Threads      int     `json:"threads"`
	Calls        int     `json:"calls"`
	Errors       int     `json:"errors"`
	CallsPerS    float64 `json:"calls_per_s"`
	CPUUSPerCall float64 `json:"cpu_us_per_call"`
	P50US        float64 `json:"p50_us"`
	P99US        float64 `json:"p99_us"`
}

type report struct {
	Contender string  `json:"contender"`
	Phases    []phase `json:"phases"`
}

func main() {
	ours := flag.String("ours", "target/bench/go-ours", "the go-ours binary")
	emulator := flag.String("emulator", "target/release/livechat-bots", "the livechat-bots binary (its emulator command)")
	n := flag.Int("n", 10000, "calls per phase")
	rounds := flag.Int("rounds", 3, "rounds (each runs both programs)")
	timeout := flag.Duration("ctx-timeout", 10*time.Second, "the per-call context timeout of the ctx run")
	flag.Parse()

	emu := exec.Command(*emulator, "emulator")
	stdout, err := emu.StdoutPipe()
	if err != nil {
		fail(err)
	}
	if err := emu.Start(); err != nil {
		fail(fmt.Errorf("starting %s: %w", *emulator, err))
	}
	defer func() { _ = emu.Process.Signal(os.Interrupt); _ = emu.Wait() }()
	url, err := bufio.NewReader(stdout).ReadString('\n')
	url = strings.TrimSpace(url)
	if err != nil || !strings.HasPrefix(url, "http://") {
		fail(fmt.Errorf("the emulator printed %q (%v)", url, err))
	}

	args := []string{"--url", url, "--n", strconv.Itoa(*n), "--mixed", strconv.Itoa(*n), "--threads", "2,4",
		"--thread-n", strconv.Itoa(*n), "--soak", "0", "--warmup", "500"}
	runs := map[string][]report{}
	for r := 0; r < *rounds; r++ {
		for _, ctx := range []bool{false, true} {
			a := args
			if ctx {
				a = append([]string{"--ctx-timeout", timeout.String()}, args...)
			}
			rep := run(*ours, a)
			runs[rep.Contender] = append(runs[rep.Contender], rep)
			d := find(rep, "details", 1)
			fmt.Fprintf(os.Stderr, "round %d %-11s details %7.0f calls/s, %6.1f us CPU/call\n", r+1, rep.Contender, d.CallsPerS, d.CPUUSPerCall)
		}
	}

	fmt.Printf("Go contender with and without a per-call context.WithTimeout(%v): median of %d rounds, N=%d\n\n", *timeout, *rounds, *n)
	fmt.Println("| phase | go-ours calls/s | go-ours-ctx calls/s | ctx ÷ plain calls/s | go-ours CPU µs/call | go-ours-ctx CPU µs/call | ctx ÷ plain CPU | p50 µs plain / ctx |")
	fmt.Println("|---|--:|--:|--:|--:|--:|--:|--:|")
	summary := map[string]any{}
	for _, p := range []struct {
		name    string
		threads int
	}{{"details", 1}, {"mixed", 1}, {"threads", 2}, {"threads", 4}} {
		plain, ctx := median(runs["go-ours"], p.name, p.threads), median(runs["go-ours-ctx"], p.name, p.threads)
		label := p.name
		if p.name == "threads" {
			label = fmt.Sprintf("details x%d goroutines", p.threads)
		}
		fmt.Printf("| %s | %.0f | %.0f | %.3f | %.1f | %.1f | %.3f | %.0f / %.0f |\n", label, plain.CallsPerS, ctx.CallsPerS,
			ctx.CallsPerS/plain.CallsPerS, plain.CPUUSPerCall, ctx.CPUUSPerCall, ctx.CPUUSPerCall/plain.CPUUSPerCall, plain.P50US, ctx.P50US)
		summary[fmt.Sprintf("%s_x%d", p.name, p.threads)] = map[string]float64{
			"plain_calls_per_s": plain.CallsPerS, "ctx_calls_per_s": ctx.CallsPerS, "ratio_calls_per_s": round3(ctx.CallsPerS / plain.CallsPerS),
			"plain_cpu_us_per_call": plain.CPUUSPerCall, "ctx_cpu_us_per_call": ctx.CPUUSPerCall,
		}
	}
	b, _ := json.Marshal(summary)
	fmt.Printf("\nCTXRATIO_JSON %s\n", b)
}

func run(bin string, args []string) report {
	cmd := exec.Command(bin, args...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		fail(fmt.Errorf("%s %v: %w: %s", bin, args, err, errOut.String()))
	}
	var rep report
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &rep); err != nil {
		fail(fmt.Errorf("%s printed %q: %w", bin, out.String(), err))
	}
	for _, p := range rep.Phases {
		if p.Errors != 0 {
			fail(fmt.Errorf("%s: %d calls failed in phase %s", rep.Contender, p.Errors, p.Name))
		}
	}
	return rep
}

func find(rep report, name string, threads int) phase {
	for _, p := range rep.Phases {
		if p.Name == name && p.Threads == threads {
			return p
		}
	}
	fail(fmt.Errorf("%s: no phase %s x%d", rep.Contender, name, threads))
	return phase{}
}

// median takes each measure's median on its own over the rounds.
func median(reps []report, name string, threads int) phase {
	var cps, cpu, p50 []float64
	for _, r := range reps {
		p := find(r, name, threads)
		cps, cpu, p50 = append(cps, p.CallsPerS), append(cpu, p.CPUUSPerCall), append(p50, p.P50US)
	}
	return phase{Name: name, Threads: threads, CallsPerS: med(cps), CPUUSPerCall: med(cpu), P50US: med(p50)}
}

func med(xs []float64) float64 {
	sort.Float64s(xs)
	k := len(xs) / 2
	if len(xs)%2 == 1 {
		return xs[k]
	}
	return (xs[k-1] + xs[k]) / 2
}

func round3(x float64) float64 { return float64(int(x*1000+0.5)) / 1000 }

func fail(err error) {
	fmt.Fprintln(os.Stderr, "ctxratio:", err)
	os.Exit(1)
}
