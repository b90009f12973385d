/*
 * api_system.c - health, readiness, metrics, the API description, and the
 * hooks tests use to move time (only with test_clock on).
 */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "api/handlers.h"
#include "base/clock.h"
#include "jobs/jobs.h"

extern const char *const embedded_openapi;
extern const unsigned long embedded_openapi_len;

void h_healthz(struct req *r)
{
	static const char ok[] = "{\"status\":\"ok\"}";
	req_reply(r, 200, "application/json", ok, sizeof(ok) - 1);
}

void h_readyz(struct req *r)
{
	int ready = atomic_load(&r->app->ready) && db_pool_ready(r->app->pool);
	struct jw w;
	api_begin(r, ready ? 200 : 503, &w);
	jw_obj(&w);
	jw_kbool(&w, "ready", ready);
	jw_obj_end(&w);
	if (!ready)
		req_add_header(r, "Retry-After", "1");
}

void h_metrics(struct req *r)
{
	static const char *bounds[] = {"0.001", "0.002", "0.005", "0.01", "0.02", "0.05",
				       "0.1",	"0.2",	 "0.5",	  "1",	  "5",	  "+Inf"};
	struct app *app = r->app;
	struct buf b;
	buf_init(&b, 0);
	buf_append_str(&b,
		       "# HELP kapsule_http_requests_total Requests answered, by status class.\n"
		       "# TYPE kapsule_http_requests_total counter\n");
	for (int i = 1; i <= 5; i++)
		buf_printf(&b, "kapsule_http_requests_total{class=\"%dxx\"} %llu\n", i,
			   (unsigned long long)atomic_load(&app->requests[i]));
	buf_append_str(&b, "# HELP kapsule_http_request_duration_seconds Time to answer.\n"
			   "# TYPE kapsule_http_request_duration_seconds histogram\n");
	unsigned long long cum = 0;
	for (int i = 0; i < 12; i++) {
		cum += atomic_load(&app->latency[i]);
		buf_printf(&b, "kapsule_http_request_duration_seconds_bucket{le=\"%s\"} %llu\n",
			   bounds[i], cum);
	}
	buf_printf(&b, "kapsule_http_request_duration_seconds_sum %.6f\n",
		   (double)atomic_load(&app->latency_sum_us) / 1e6);
	buf_printf(&b, "kapsule_http_request_duration_seconds_count %llu\n", cum);
	buf_printf(&b,
		   "# HELP kapsule_http_in_flight Requests being answered.\n"
		   "# TYPE kapsule_http_in_flight gauge\nkapsule_http_in_flight %d\n",
		   atomic_load(&app->in_flight));
	uint64_t writes, batches;
	db_pool_stats(app->pool, &writes, &batches);
	buf_printf(&b,
		   "# HELP kapsule_db_writes_total Write transactions committed.\n"
		   "# TYPE kapsule_db_writes_total counter\nkapsule_db_writes_total %llu\n"
		   "# HELP kapsule_db_commits_total Commits (a commit can hold several writes).\n"
		   "# TYPE kapsule_db_commits_total counter\nkapsule_db_commits_total %llu\n",
		   (unsigned long long)writes, (unsigned long long)batches);
	req_reply(r, 200, "text/plain; version=0.0.4", b.data, b.len);
	buf_free(&b);
}

void h_openapi(struct req *r)
{
	req_reply(r, 200, "application/yaml; charset=utf-8", embedded_openapi,
		  embedded_openapi_len);
	req_add_header(r, "Cache-Control", "public, max-age=300");
}

static int test_admin_or_reply(struct req *r)
{
	if (r->who.role != ROLE_ADMIN) {
		api_error(r, KERR_FORBIDDEN, NULL, "test hooks are for admins");
		return -1;
	}
	return 0;
}

static const struct field clock_fields[] = {
    {"advance_ms", F_INT, 1},
    {NULL, 0, 0},
};

void h_test_clock(struct req *r)
{
	if (test_admin_or_reply(r))
		return;
	json_t *in = api_body_or_reply(r, clock_fields);
	if (!in)
		return;
	int64_t ms = api_int(in, "advance_ms", -1);
	if (clock_advance(ms)) {
		api_error(r, KERR_BAD_VALUE, "advance_ms",
			  "'advance_ms' must be 0 to ten years in milliseconds");
		return;
	}
	struct jw w;
	api_begin(r, 200, &w);
	jw_obj(&w);
	jw_ktime(&w, "now", clock_now_ms());
	jw_obj_end(&w);
}

void h_test_jobs(struct req *r)
{
	if (test_admin_or_reply(r))
		return;
	json_t *in = api_body_or_reply(r, (const struct field[]){{NULL, 0, 0}});
	if (!in)
		return;
	struct jobs_report rep;
	enum kerr rc = jobs_run_once(r->app->pool, r->app->cfg, &rep);
	if (rc) {
		req_fail(r, rc);
		return;
	}
	struct buf b;
	buf_init(&b, 0);
	jobs_report_json(&rep, &b);
	req_reply(r, 200, "application/json", b.data, b.len);
	buf_free(&b);
}
