/*
 * web.h - server-rendered pages.  Each page is one function over the
 * domain; HTML is written only through html.h.
 */
#ifndef KAPSULE_WEB_WEB_H
#define KAPSULE_WEB_WEB_H

#include "http/http.h"

/* GET / - what is running, the API description, demo sign-ins. */
void web_home(struct req *r);

#endif
