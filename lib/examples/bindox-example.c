/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* bindox-example.c: a Bindox server and its client in one program.
 *
 *   bindox-example server NAME        serve NAME until SIGINT or SIGTERM
 *   bindox-example client NAME TEXT   call NAME with TEXT, print the reply
 *
 * Build: cc -o bindox-example bindox-example.c $(pkg-config --cflags --libs bindox)
 */
#define _POSIX_C_SOURCE 200809L  /* sigwait(), pthread_sigmask() */
#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <bindox/bindox.h>

#define EXAMPLE_COOKIE 0x1234u            /* names our node in calls to it */
#define EXAMPLE_TIMEOUT_NS 5000000000LL   /* 5 s */

/* Runs on the server's worker threads: the reply is the text in capitals. */
static int example_handle(void *userdata, BindoxMsg *request, BindoxMsg *reply)
{
    char upper[256];
    const char *text;
    BindoxCreds creds;
    size_t len, i;
    int r;

    (void)userdata;
    if (!reply)                  /* a one-way message or a death notice */
        return 0;
    r = bindox_msg_read_string(request, &text, &len);
    if (r < 0)
        return r;                /* the caller gets an empty reply */
    if (bindox_msg_get_creds(request, &creds) == 0)
        printf("call from pid %d, uid %u: %s\n", (int)creds.pid, (unsigned)creds.euid, text);
    fflush(stdout);
    for (i = 0; i < len && i < sizeof(upper) - 1; i++)
        upper[i] = (char)toupper((unsigned char)text[i]);
    upper[i] = '\0';
    return bindox_msg_append_string(reply, upper);
}

static int example_server(BindoxConn *conn, const char *name)
{
    BindoxServer *server = NULL;
    sigset_t stop;
    int r, sig;

    /* Block the stop signals first: the worker threads inherit the mask. */
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);

    r = bindox_server_new(conn, 2, example_handle, NULL, &server);
    if (r == 0)    /* registered again by itself if bindoxd restarts */
        r = bindox_server_add_service(server, name, EXAMPLE_COOKIE);
    if (r == 0)
        r = bindox_server_start(server);
    if (r == 0) {
        printf("serving %s\n", name);
        fflush(stdout);
        sigwait(&stop, &sig);
        r = bindox_server_stop(server);
    }
    if (r < 0)
        fprintf(stderr, "server: %s\n", bindox_strerror(r));
    bindox_server_free(server);
    return r;
}

static int example_client(BindoxConn *conn, const char *name, const char *text)
{
    BindoxMsg *request = NULL, *reply = NULL;
    const char *answer;
    uint32_t handle = 0;
    size_t len;
    int r;

    r = bindox_service_lookup(conn, name, &handle, EXAMPLE_TIMEOUT_NS);
    if (r == 0)
        r = bindox_msg_new(&request);
    if (r == 0)
        r = bindox_msg_new(&reply);
    if (r == 0)
        r = bindox_msg_reserve(reply, 4096, 0);
    if (r == 0)
        r = bindox_msg_append_string(request, text);
    if (r == 0)
        r = bindox_call(conn, handle, request, reply, EXAMPLE_TIMEOUT_NS);
    if (r == 0)
        r = bindox_msg_read_string(reply, &answer, &len);
    if (r == 0)
        printf("%s answered: %s\n", name, answer);
    else
        fprintf(stderr, "client: %s: %s\n", name, bindox_strerror(r));
    if (handle)
        bindox_handle_release(conn, handle);
    bindox_msg_free(reply);
    bindox_msg_free(request);
    return r;
}

int main(int argc, char **argv)
{
    BindoxConn *conn = NULL;
    int r;

    if (argc < 3 || (strcmp(argv[1], "server") != 0 && argc < 4)) {
        fprintf(stderr, "usage: %s server NAME | client NAME TEXT\n", argv[0]);
        return 2;
    }
    r = bindox_conn_open(NULL, &conn);    /* /dev/bindox */
    if (r < 0) {
        fprintf(stderr, "cannot open /dev/bindox: %s\n", bindox_strerror(r));
        return 1;
    }
    if (strcmp(argv[1], "server") == 0)
        r = example_server(conn, argv[2]);
    else
        r = example_client(conn, argv[2], argv[3]);
    bindox_conn_close(conn);
    return r < 0 ? 1 : 0;
}
/* end of bindox-example.c */
