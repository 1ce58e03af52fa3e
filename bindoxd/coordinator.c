/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Coordinator protocol on the daemon's side; see coordinator.h.
 */

#include <errno.h>
#include <string.h>
#include <glib.h>
#include "coordinator.h"
#include "log.h"

/* How long to wait before receiving again when a message cannot be taken. */
#define COORDINATOR_STALL_USEC (1000 * 1000ULL)

/* Messages handled per wakeup, so that D-Bus gets its turn under load. */
#define COORDINATOR_DISPATCH_BUDGET 64U

/* Receive capacity: requests are a header, a name and one object. */
#define COORDINATOR_REQUEST_DATA_CAP 512U
#define COORDINATOR_REQUEST_OBJECTS_CAP 4U

struct Coordinator {
	BindoxConn *conn;
	Registry *registry;
	BindoxMsg *in;
	BindoxMsg *out;
	sd_event *event;
	sd_event_source *io;
	sd_event_source *stall;	/* retry timer while the queue is stuck */
	const CoordinatorHooks *hooks;
	void *userdata;
	CoordinatorDenials denials;
};

const char *service_removed_reason_to_string(ServiceRemovedReason reason)
{
	switch (reason) {
	case SERVICE_REMOVED_UNREGISTERED:
		return "unregistered";
	case SERVICE_REMOVED_DIED:
		return "died";
	case SERVICE_REMOVED_REVOKED:
		return "revoked";
	case SERVICE_REMOVED_DOMAIN_REMOVED:
		return "domain-removed";
	}
	return "unknown";
}

/*
 * Who asks: the driver's credentials and the name of the domain, looked up
 * once per request (the lookup may enumerate the devices, and what that
 * finds must not change the registry under a request being answered).
 */
typedef struct Requester {
	BindoxCreds creds;
	char *domain;	/* NULL if bindoxd does not know the domain */
	char *label;	/* the name, or "#ID" */
} Requester;

static void requester_init(Coordinator *c, Requester *rq, const BindoxMsg *request)
{
	const char *name = NULL;

	memset(rq, 0, sizeof(*rq));
	(void)bindox_msg_get_creds(request, &rq->creds);
	if (c->hooks->domain_name)
		name = c->hooks->domain_name(c->userdata, rq->creds.domain);
	rq->domain = g_strdup(name);
	rq->label = name ? g_strdup(name) : g_strdup_printf("#%u", rq->creds.domain);
}

static void requester_clear(Requester *rq)
{
	g_free(rq->domain);
	g_free(rq->label);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(Requester, requester_clear)

/*
 * The policy decision for a request from @rq. A domain whose name bindoxd
 * does not know is left to the driver alone.
 */
static int coordinator_check(Coordinator *c, uint32_t action, const Requester *rq,
			     const char *service, const char *peer_domain)
{
	PolicyRequest req = {
		.action = action,
		.domain = rq->domain,
		.uid = rq->creds.euid,
		.gid = rq->creds.egid,
		.service = service,
		.peer_domain = peer_domain,
	};

	if (!req.domain || (peer_domain && peer_domain[0] == '#'))
		return 0;
	return policy_check(c->hooks->policy(c->userdata), &req, NULL) ? 0 : -EACCES;
}

static void coordinator_remove(Coordinator *c, Service *s, ServiceRemovedReason reason)
{
	uint32_t handle = s->handle;

	log_struct(LOG_INFO, &(LogFields){ .service = s->name, .domain = s->domain },
		   "service %s removed (%s)", s->name, service_removed_reason_to_string(reason));
	c->hooks->removing(c->userdata, s, reason);
	(void)registry_remove(c->registry, s);
	/* The last reference takes the death subscription with it. */
	(void)bindox_handle_release(c->conn, handle);
	c->hooks->removed(c->userdata);
}

static int coordinator_register(void *userdata, const BindoxMsg *request, const char *name,
				uint32_t handle)
{
	Coordinator *c = userdata;
	g_auto(Requester) requester = { 0 };
	const Requester *rq = &requester;
	const BindoxCreds *creds = &rq->creds;
	const char *domain;
	bool subscribe = false;
	Service *s = NULL;
	int r;

	requester_init(c, &requester, request);
	domain = rq->label;
	r = coordinator_check(c, BINDOX_POLICY_ACT_REGISTER, rq, name, NULL);
	if (r < 0) {
		c->denials.registrations++;
		log_struct(LOG_NOTICE,
			   &(LogFields){ .message_id = LOG_MESSAGE_DENIED, .service = name,
					 .domain = domain },
			   "register %s by pid %d uid %u domain %s denied by the policy", name,
			   (int)creds->pid, (unsigned)creds->euid, domain);
		(void)bindox_handle_release(c->conn, handle);
		return r;
	}
	r = registry_add(c->registry, name, handle, creds, domain,
				 (uint64_t)g_get_real_time(), &s, &subscribe);
	if (r < 0) {
		const Service *held = registry_find(c->registry, name);

		/* The owner asking again is its library checking on us: no news. */
		if (!(r == -EEXIST && held && held->owner.pid == creds->pid))
			log_notice("register %s by pid %d uid %u domain %s refused: %s", name,
				   (int)creds->pid, (unsigned)creds->euid, domain,
				   bindox_strerror(r));
		(void)bindox_handle_release(c->conn, handle);
		return r;
	}

	if (subscribe) {
		r = bindox_death_subscribe(c->conn, handle, s->death_cookie);
		if (r < 0) {
			log_warning("register %s: death subscription failed: %s", name,
				    bindox_strerror(r));
			(void)registry_remove(c->registry, s);
			(void)bindox_handle_release(c->conn, handle);
			return r;
		}
	}

	log_struct(LOG_INFO, &(LogFields){ .service = name, .domain = domain },
		   "service %s registered by pid %d uid %u gid %u domain %s", name, (int)creds->pid,
		   (unsigned)creds->euid, (unsigned)creds->egid, domain);
	c->hooks->added(c->userdata, s);
	return 0;
}

/*
 * @name as @creds may see it: the service, or NULL with *@error the answer
 * for a name that is not registered (-ENOENT, or -EACCES when the policy
 * refuses the name in the requester's own domain). A service it may not
 * look up gets the same answer, so that the answer never depends on what
 * exists where the requester may not look.
 */
static Service *coordinator_visible(Coordinator *c, const char *name, const Requester *rq,
				    int *error)
{
	Service *s = registry_find(c->registry, name);

	if (s && coordinator_check(c, BINDOX_POLICY_ACT_LOOKUP, rq, name, s->domain) == 0)
		return s;
	*error = coordinator_check(c, BINDOX_POLICY_ACT_LOOKUP, rq, name, NULL);
	if (*error == 0)
		*error = -ENOENT;
	return NULL;
}

static int coordinator_lookup(void *userdata, const BindoxMsg *request, const char *name,
			      uint32_t *handle)
{
	Coordinator *c = userdata;
	g_auto(Requester) requester = { 0 };
	const Requester *rq = &requester;
	Service *s;
	int r = 0;

	requester_init(c, &requester, request);
	s = coordinator_visible(c, name, rq, &r);

	/* Refused by the policy: a hidden service, or a name refused in the own domain. */
	if (!s && (r == -EACCES || registry_find(c->registry, name))) {
		c->denials.lookups++;
		log_struct(LOG_NOTICE,
			   &(LogFields){ .message_id = LOG_MESSAGE_DENIED, .service = name,
					 .domain = rq->label },
			   "lookup %s by pid %d uid %u domain %s denied by the policy", name,
			   (int)rq->creds.pid, (unsigned)rq->creds.euid, rq->label);
	}
	if (!s)
		return r;

	/* The owner's own lookups (its library checking on us) are no clients. */
	if (rq->creds.pid != s->owner.pid)
		s->clients++;
	*handle = s->handle;
	return 0;
}

static int coordinator_unregister(void *userdata, const BindoxMsg *request, const char *name)
{
	Coordinator *c = userdata;
	g_auto(Requester) requester = { 0 };
	const Requester *rq = &requester;
	const BindoxCreds *creds = &rq->creds;
	Service *s;
	int r = 0;

	requester_init(c, &requester, request);
	s = registry_find(c->registry, name);

	/* The registrant may, even where the policy hides the name from it. */
	if (s && creds->domain == s->owner.domain &&
	    (creds->euid == s->owner.euid || creds->euid == 0)) {
		coordinator_remove(c, s, SERVICE_REMOVED_UNREGISTERED);
		return 0;
	}
	return coordinator_visible(c, name, rq, &r) ? -EPERM : -ENOENT;
}

static const BindoxCoordOps coordinator_ops = {
	.register_service = coordinator_register,
	.lookup_service = coordinator_lookup,
	.unregister_service = coordinator_unregister,
};

static void coordinator_death(Coordinator *c, uint64_t cookie)
{
	g_autoptr(GPtrArray) dead = registry_find_by_cookie(c->registry, cookie);
	guint i;

	for (i = 0; i < dead->len; i++)
		coordinator_remove(c, g_ptr_array_index(dead, i), SERVICE_REMOVED_DIED);
}

/* Answer the call in c->in. Returns 1 if a next message arrived in c->in. */
static int coordinator_answer(Coordinator *c)
{
	uint64_t id = bindox_msg_get_id(c->in);
	int r;

	r = bindox_coord_answer(c->conn, c->in, c->out, &coordinator_ops, c);
	if (r < 0) {
		log_error("cannot build a reply: %s", bindox_strerror(r));
		bindox_msg_reset(c->out);	/* the empty reply: "the server failed" */
	}
	r = bindox_reply(c->conn, id, c->out, c->in);
	if (r < 0 && r != -EINTR)
		log_warning("reply to call %" G_GUINT64_FORMAT " failed: %s", id,
			    bindox_strerror(r));
	return r == 1 ? 1 : 0;
}

static int coordinator_on_stall_end(sd_event_source *s, uint64_t usec, void *userdata);

/* The first queued message cannot be taken now: wait a while. */
static int coordinator_stall(Coordinator *c, int error)
{
	int r;

	log_error("cannot receive (%s): pausing for %llu ms", bindox_strerror(error),
		  (unsigned long long)(COORDINATOR_STALL_USEC / 1000));
	if (!c->io)
		return error;
	r = sd_event_source_set_enabled(c->io, SD_EVENT_OFF);
	if (r >= 0)
		r = sd_event_add_time_relative(c->event, &c->stall, CLOCK_MONOTONIC,
					       COORDINATOR_STALL_USEC, 0,
					       coordinator_on_stall_end, c);
	return r < 0 ? r : 0;
}

int coordinator_dispatch(Coordinator *c)
{
	unsigned int budget = COORDINATOR_DISPATCH_BUDGET;
	bool have = false;
	int r;

	for (;;) {
		/* The descriptor stays readable: the loop comes back for the rest. */
		if (!have && c->io && budget-- == 0)
			return 0;
		if (!have) {
			r = bindox_recv(c->conn, c->in, 0);
			if (r == -EAGAIN)
				return 0;
			if (r == -EINTR)
				continue;
			if (r == -ENOSPC || r == -ENOMEM)
				return coordinator_stall(c, r);
			if (r < 0)
				return r;
		}
		have = false;

		switch (bindox_msg_get_type(c->in)) {
		case BINDOX_MSG_CALL:
			have = coordinator_answer(c) == 1;
			break;
		case BINDOX_MSG_DEATH:
			coordinator_death(c, bindox_msg_get_cookie(c->in));
			break;
		default:
			(void)bindox_msg_release_handles(c->conn, c->in);
			break;
		}
	}
}

static int coordinator_on_io(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	Coordinator *c = userdata;
	int r;

	r = coordinator_dispatch(c);
	if (r < 0) {
		log_error("the bindox device failed: %s", bindox_strerror(r));
		return sd_event_exit(c->event, r);
	}
	return 0;
}

static int coordinator_on_stall_end(sd_event_source *s, uint64_t usec, void *userdata)
{
	Coordinator *c = userdata;

	c->stall = sd_event_source_unref(c->stall);
	(void)sd_event_source_set_enabled(c->io, SD_EVENT_ON);
	return coordinator_on_io(c->io, coordinator_fd(c), EPOLLIN, c);
}

int coordinator_new(BindoxConn *conn, sd_event *event, const CoordinatorHooks *hooks,
		    void *userdata, Coordinator **out)
{
	Coordinator *c = g_new0(Coordinator, 1);
	int r;

	c->conn = conn;
	c->hooks = hooks;
	c->userdata = userdata;
	c->registry = registry_new();
	r = bindox_msg_new(&c->in);
	if (r >= 0)
		r = bindox_msg_new(&c->out);
	if (r >= 0)
		r = bindox_msg_reserve(c->in, COORDINATOR_REQUEST_DATA_CAP,
				       COORDINATOR_REQUEST_OBJECTS_CAP);
	if (r >= 0 && event) {
		c->event = sd_event_ref(event);
		r = sd_event_add_io(event, &c->io, bindox_conn_fd(conn), EPOLLIN, coordinator_on_io,
				    c);
	}
	if (r < 0) {
		c->conn = NULL;	/* stays the caller's on failure */
		coordinator_free(c);
		return r;
	}
	*out = c;
	return 0;
}

Coordinator *coordinator_free(Coordinator *c)
{
	if (!c)
		return NULL;
	sd_event_source_disable_unref(c->io);
	sd_event_source_disable_unref(c->stall);
	sd_event_unref(c->event);
	/* Closing the connection drops every handle and subscription at once. */
	bindox_conn_close(c->conn);
	registry_free(c->registry);
	bindox_msg_free(c->in);
	bindox_msg_free(c->out);
	g_free(c);
	return NULL;
}

const CoordinatorDenials *coordinator_denials(const Coordinator *c)
{
	return &c->denials;
}

const Registry *coordinator_registry(const Coordinator *c)
{
	return c->registry;
}

int coordinator_fd(const Coordinator *c)
{
	return bindox_conn_fd(c->conn);
}

void coordinator_revoke(Coordinator *c, const Policy *policy)
{
	g_autoptr(GPtrArray) all = registry_list(c->registry);
	guint i;

	for (i = 0; i < all->len; i++) {
		Service *s = g_ptr_array_index(all, i);
		PolicyRequest req = {
			.action = BINDOX_POLICY_ACT_REGISTER,
			.domain = s->domain,
			.uid = s->owner.euid,
			.gid = s->owner.egid,
			.service = s->name,
		};

		/* "#ID": registered from a domain bindoxd did not know. */
		if (s->domain[0] != '#' && !policy_check(policy, &req, NULL))
			coordinator_remove(c, s, SERVICE_REMOVED_REVOKED);
	}
}

void coordinator_remove_domain(Coordinator *c, const char *domain)
{
	g_autoptr(GPtrArray) all = registry_list(c->registry);
	guint i;

	for (i = 0; i < all->len; i++) {
		Service *s = g_ptr_array_index(all, i);

		if (strcmp(s->domain, domain) == 0)
			coordinator_remove(c, s, SERVICE_REMOVED_DOMAIN_REMOVED);
	}
}
