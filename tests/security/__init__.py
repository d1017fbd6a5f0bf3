"""Attacks on the tracker, each held by a test that fails if the defect comes back (issue 23).

Issue 23, item by item:
 1. GraphQL partial errors stored as facts: test_partial_answers (partial_answers_leave...).
 2. REST sub-request errors, 401, a 403 on every call: test_partial_answers (failing_sub_request,
    refused_token, 403_on_every_call, 403_from_one_repository).
 3. A malformed redirect, a trickling page: test_ssrf_web (malformed_redirect_or_a_trickling_page,
    redirect_no_url_parser_takes).
 4. Malformed 200 answers (null, [], HTML, cut UTF-8, empty): test_partial_answers
    (malformed_200_answer, malformed_node).
 5. Slow input, 6. memory: test_slow_input.
 7. Terminal escapes: test_hostile_text (terminal_outputs), test_terminal_json.
 8. Markdown tables and the tracking issue: test_hostile_text.
 9. Server text echoing the token: test_github_token (echoed_token).
10. Deep JSON: test_hostile_listings; malformed service URLs, first runs racing the
    migrations: test_startup_safety; cross-host API redirects: test_github_token; Ctrl-C and
    runs left running: test_interrupt; 6to4: test_ssrf_web (refusal_names_the_forbidden_range).
11. `export -o` over special files: test_export_target.

Also expected: SSRF on every hop and address form, DNS rebinding: test_ssrf_web (web pages and
shortlinks), test_ssrf_code_hosts (code-host APIs); XXE: test_xml_and_host_tokens; billion
laughs: test_hostile_listings; formula cells, HTML escaping: test_export_escaping; a token in
output, the database or another host: test_github_token (GitHub), test_xml_and_host_tokens
(GitLab, the Hub); the fault benchmark: test_faults_bench; the run's retry budget:
test_retry_budget.
"""
