// Middleware's redirect (NextResponse.redirect), which the probe measures next to the page redirects.
import { NextResponse } from "next/server";

export function middleware(request) {
  return NextResponse.redirect(new URL("/login", request.url));
}

export const config = { matcher: "/middleware-redirect" };
