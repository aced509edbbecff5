"""Benchmarks: what the bridge costs, against the API called directly and against FastMCP's OpenAPI
proxy, measured side by side in one run (issue 6). Run `python -m bench` (or `--quick`).

    cli           the `python -m bench` command
    run           one run: start the rig, measure each figure, write JSON, Markdown and PNG
    plan          how much to measure (full, quick); every loop bounded by time and count
    rig           the processes under test (sandbox, ours, peer) and a client for any contender
    processes     starting children in their own process group and always stopping them
    launch        the exact commands: the sandbox, ours (the `intervyo-mcp` script), the peer
    peer          the peer itself: FastMCP `from_openapi` over the sandbox's OpenAPI (its own process)
    mapping       which peer tool and argument names stand for ours (via operationId)
    wire          a minimal streamable-HTTP MCP client (both eras): the load generator costs every
                  server alike
    callers       `call(tool, arguments)` for direct, ours and peer
    sdk_check     both servers answer the SDK's own `mcp.Client`, in both eras, before any timing
    workload      the timed tools, their arguments and the fixtures read from the sandbox
    stdio_probe   spawn a stdio server and time it to its first tools/list answer
    latency       figure 1: one call at a time, contenders interleaved call by call, in both eras
    throughput    figure 2: 1/8/32/128 concurrent clients, calls/s, latency and CPU per call
    coldstart     figure 3: stdio cold start and import time
    context       figure 4: tools/list bytes and tokens per view, largest entries
    result_size   figure 5: bytes a model receives for a page of 20 and a scorecard
    memory        figure 6: server RSS idle and with open sessions
    tokens        the token estimators (bytes/4, regex word pieces)
    stats         percentiles, medians, spread of rounds
    ratios        the headline ratios and the issue's targets
    machine       the machine line
    report        the Markdown report
    chart         the PNG chart
"""
