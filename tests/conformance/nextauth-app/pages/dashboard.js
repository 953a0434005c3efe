// A protected page: the server checks the session before rendering (Pages Router, next-auth v4).
import { getServerSession } from "next-auth/next";
import { authOptions } from "../lib/auth";

export async function getServerSideProps(context) {
  const session = await getServerSession(context.req, context.res, authOptions);
  if (!session) return { redirect: { destination: "/login", permanent: false } };
  return { props: { name: session.user?.name?.slice(0, 20) ?? "" } };
}

export default function Dashboard({ name }) {
  return <p>dashboard for {name}</p>;
}
