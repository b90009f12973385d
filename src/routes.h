/*
 * routes.h - the program's route table (routes.c).
 */
#ifndef KAPSULE_ROUTES_H
#define KAPSULE_ROUTES_H

#include "http/http.h"

extern const struct route routes[];
extern const int nroutes;

#endif
