/* fcgi_minimal.c - the architecture's ceiling for bench/api.sh: a libfcgi
 * responder doing nothing but answer, as resmon-fcgi's peer */
/* SPDX-License-Identifier: MIT */
/*
 * usage: fcgi_minimal SOCKET json|accel WORKERS
 *   json   answers every request with a fixed 200 JSON body
 *   accel  answers /accel/NAME with X-Accel-Redirect: /_files/NAME
 */
#include <fcgiapp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char json_reply[] =
    "Status: 200 OK\r\nContent-Type: application/json\r\n"
    "Content-Length: 26\r\nCache-Control: no-store\r\n\r\n"
    "{\"status\":\"ok\",\"cpu\":12.5}";

static void
serve(int fd, int accel)
{
	FCGX_Request req;
	const char *uri, *name;

	if (FCGX_InitRequest(&req, fd, 0) != 0)
		exit(1);
	while (FCGX_Accept_r(&req) == 0) {
		if (!accel) {
			FCGX_PutStr(json_reply, (int)sizeof(json_reply) - 1,
			    req.out);
		} else {
			uri = FCGX_GetParam("REQUEST_URI", req.envp);
			name = uri != NULL ? strrchr(uri, '/') : NULL;
			FCGX_FPrintF(req.out,
			    "Content-Type: application/octet-stream\r\n"
			    "X-Accel-Redirect: /_files/%s\r\n\r\n",
			    name != NULL ? name + 1 : "none");
		}
		FCGX_Finish_r(&req);
	}
}

int
main(int argc, char **argv)
{
	int fd, i, n;

	if (argc != 4) {
		fprintf(stderr, "usage: fcgi_minimal SOCKET json|accel N\n");
		return 2;
	}
	n = atoi(argv[3]);
	umask(0);
	fd = FCGX_OpenSocket(argv[1], 1024);
	if (fd < 0 || FCGX_Init() != 0) {
		perror(argv[1]);
		return 1;
	}
	for (i = 0; i < n; i++)
		if (fork() == 0)
			serve(fd, strcmp(argv[2], "accel") == 0);
	while (wait(NULL) > 0)
		continue;
	return 0;
}
